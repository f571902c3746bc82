// Swagger UI for /api/v1/openapi.json. A file of its own rather than swagger's inline script: the page's CSP
// allows scripts from this origin only. BaseLayout, not the standalone one: its top bar draws a logo with inline
// styles, which the CSP (style-src 'self') blocks.
window.addEventListener('DOMContentLoaded', () => {
  window.ui = SwaggerUIBundle({
    url: '/api/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    // The UI's "validator" badge would send the document to swagger.io.
    validatorUrl: null,
  });
});
