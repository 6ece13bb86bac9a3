// Renders /openapi.json with the self-hosted Swagger UI (no inline script: the page's CSP allows only files).
// The document needs no key; try-it-out calls send the key set with "Authorize", or else the one typed into
// the playground (same origin, same storage).
(() => {
  let key = null;
  try {
    key = localStorage.getItem("serverless-memory.apiKey");
  } catch (_e) {
    key = null;
  }
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // The validator badge would call validator.swagger.io: nothing here leaves this origin.
    validatorUrl: null,
    requestInterceptor: (request) => {
      if (key && !request.headers.Authorization) request.headers.Authorization = `Bearer ${key}`;
      return request;
    },
  });
})();
