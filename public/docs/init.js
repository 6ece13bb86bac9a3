"use strict";
// Renders /openapi.json with the self-hosted Swagger UI (no inline script: the page's CSP allows only files).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  // The validator badge would call validator.swagger.io: nothing here leaves this origin.
  validatorUrl: null,
});
