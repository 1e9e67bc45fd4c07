namespace KefuScore.Web;

/// <summary>
/// Headers on every answer: no MIME sniffing, no referrer leaving the site, and a Content-Security-Policy the dashboard
/// works under (docs/security.md): scripts only from this server (blazor.web.js, MudBlazor, live.js), styles from this
/// server plus inline <c>style</c> attributes (MudBlazor sets them on its components), the circuit's WebSocket back to
/// this server, no framing by other sites. The Scalar page loads its script from this server but configures it inline,
/// so only under <c>/scalar</c> inline scripts are allowed too.
/// </summary>
internal static class SecurityHeaders
{
    public const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

    public const string ScalarPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

    public static void UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            // Set last, replacing Blazor's own `frame-ancestors 'self'`, which this policy includes.
            headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/scalar") ? ScalarPolicy : Policy;
            return Task.CompletedTask;
        });
        return next(http);
    });
}
