using CdsService.CdsHooks;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CdsService.Hosting;

/// <summary>
/// The one place that maps failures to HTTP: request problems to 4xx ProblemDetails with a specific message,
/// missing prefetch to 412 (CDS Hooks §Prefetch). Anything else is a defect, logged and answered without detail.
/// </summary>
internal sealed partial class ProblemDetailsExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
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
            LogRejected(logger, http.Request.Method, Attestation.FormLinks.Redact(http.Request.Path.Value ?? ""), status, title);
        }

        http.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            http.Response.Headers.RetryAfter = "5";
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = string.IsNullOrEmpty(detail) ? null : detail },
        });
    }

    [LoggerMessage(LogLevel.Error, "Unhandled failure on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);

    [LoggerMessage(LogLevel.Information, "Rejected {Method} {Path} with {Status}: {Title}")]
    private static partial void LogRejected(ILogger logger, string method, string path, int status, string title);
}
