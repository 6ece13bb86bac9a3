// Renders /openapi.json with the self-hosted Swagger UI (no inline script: the page's CSP allows only files).
// With API_KEYS set the document needs a key: the one typed into the playground (same origin, same storage)
// is sent, unless "Authorize" set one for try-it-out calls.
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
