import helmet from 'helmet';
import type { RequestHandler } from 'express';

// What helmet would set for a JSON API, computed once: the API is on the hot path of the intake,
// and a chain of a dozen middlewares per request buys nothing over a fixed set of headers.
const API_HEADERS: [string, string][] = [
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Referrer-Policy', 'no-referrer'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  // Answers carry payloads, dead letters and credentials: no browser or proxy may keep a copy.
  ['Cache-Control', 'no-store'],
];

/**
 * Headers for the JSON API: nothing may be loaded or framed. No HSTS or upgrade directive, since
 * the API is often served over plain HTTP behind a TLS-terminating proxy that sets its own.
 */
export function apiHeaders(): RequestHandler {
  return (_req, res, next) => {
    for (const [name, value] of API_HEADERS) res.setHeader(name, value);
    next();
  };
}

/**
 * Headers for Bull Board's UI. Its page uses inline style attributes and a `<style>` block, so
 * styles allow 'unsafe-inline'; everything else comes from this server alone (our copy of the page
 * drops bull-board's Google Fonts link), so no request leaves for a third-party host.
 * `upgrade-insecure-requests` is left out: on plain HTTP it would send the board's own assets to https.
 */
export function boardHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        fontSrc: ["'self'", 'data:'],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    strictTransportSecurity: false,
  });
}
