using CdsService.CdsHooks;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CdsService.Hosting;

/// <summary>
/// The one place that maps failures to HTTP: request problems to 4xx ProblemDetails with a specific message,
/// missing prefetch to 412 (CDS Hooks §Prefetch). Anything else is a defect, logged and answered without detail.
/// </summary>
internal sealed partial class ProblemDetailsExceptionHandler(ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>
    /// Where a 4xx answer's problem title is left (in <see cref="HttpContext.Items"/>) for the request's one log line
    /// (<see cref="LoggingSetup.UseRequestLogging"/>), instead of a second line of its own.
    /// </summary>
    public static readonly object ProblemTitleKey = new();

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            CdsRequestException e => (e.Status, e.Title, e.Message),
            PrefetchUnavailableException e => (StatusCodes.Status412PreconditionFailed, "Prefetch data unavailable", e.Message),

            // Safety net: Firely throws when code reads a FHIR value that failed validation and was not screened out.
            Hl7.Fhir.Validation.CodedValidationException e => (StatusCodes.Status400BadRequest, "Invalid FHIR in request", $"{e.InstancePath}: {e.ErrorCode}"),
            BadHttpRequestException e => (e.StatusCode, "Bad request", "The request could not be read."),

            // The state store could not commit or read in time (a pause, a failover): nothing was half-done, so the
            // client may simply retry. Never a 500, which would read as a defect.
            Storage.StoreUnavailableException => (StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The service's state store is unavailable; nothing was saved. Try again shortly."),
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => (499, "Client closed request", ""),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "The service failed to process the request."),
        };

        if (status >= 500)
        {
            LogUnhandled(logger, exception, Attestation.FormLinks.Redact(http.Request.Path.Value ?? ""));
        }
        else
        {
            // One line per request: a refused call's own line would repeat the path (twice the lines for a flood of
            // bad requests), so its title goes on the request line.
            http.Items[ProblemTitleKey] = title;
        }

        http.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            http.Response.Headers.RetryAfter = "5";
        }

        var problem = new ProblemDetails { Status = status, Title = title, Detail = string.IsNullOrEmpty(detail) ? null : detail };
        await ProblemResponses.WriteAsync(http, problem, exception, cancellationToken);
        return true;
    }

    [LoggerMessage(LogLevel.Error, "Unhandled failure on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);
}
