using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CdsService.Hosting;

/// <summary>
/// Writes a refusal as RFC 9457 problem JSON whatever the client's Accept says. ASP.NET Core's problem writer declines
/// when Accept rules JSON out (text/html, application/xml); its <c>WriteAsync</c> then throws, and an exception handler
/// that writes nothing lets the framework turn a 404 into a 500. Problem JSON is the only error format this service
/// writes, and a server may disregard Accept (RFC 9110 §12.5.1).
/// </summary>
internal static class ProblemResponses
{
    /// <summary>Writes <paramref name="problem"/>; the response's status code must already be set.</summary>
    public static async Task WriteAsync(HttpContext http, ProblemDetails problem, Exception? exception, CancellationToken cancellationToken)
    {
        var writer = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, Exception = exception, ProblemDetails = problem }))
        {
            return;
        }

        problem.Extensions["traceId"] = Activity.Current?.Id ?? http.TraceIdentifier;
        await http.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", cancellationToken);
    }
}
