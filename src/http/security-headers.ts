import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * Headers for the JSON API: nothing may be loaded or framed, and no upgrade directive, since the
 * API is often served over plain HTTP behind a TLS-terminating proxy.
 */
export function apiHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    strictTransportSecurity: false,
  });
}

/**
 * Headers for Bull Board's UI. Its page uses inline style attributes and a `<style>` block and
 * loads IBM Plex from Google Fonts, so style and font sources are widened; scripts stay 'self'.
 * `upgrade-insecure-requests` is left out: on plain HTTP it would send the board's own assets to https.
 */
export function boardHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
        fontSrc: ["'self'", 'data:', 'https://fonts.gstatic.com'],
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
