using System.Diagnostics;
using CdsService.CdsHooks.Wire;
using CdsService.Fhir;
using CdsService.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CdsService.CdsHooks;

/// <summary>The CDS Hooks 2.0 HTTP surface: discovery and service invocation.</summary>
internal static partial class CdsHooksEndpoints
{
    public const string DiscoveryPath = "/cds-services";

    /// <summary>The name of the service-invocation endpoint (the only one the warm-up client may call).</summary>
    public const string InvokeServiceName = "InvokeService";

    public static IEndpointRouteBuilder MapCdsHooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(DiscoveryPath).WithTags("CDS Hooks");
        group.MapGet("", GetDiscovery).WithName("Discovery").RequireAuthorization(CdsPolicies.Discovery);
        group.MapPost("{id}", InvokeService).WithName(InvokeServiceName).RequireAuthorization(CdsPolicies.Client);
        return app;
    }

    private static IResult GetDiscovery(IEnumerable<ICdsService> services) =>
        Results.Json(new DiscoveryResponse([.. services.Select(s => s.Description)]), CdsJson.Options);

    private static async Task<IResult> InvokeService(
        string id,
        HttpContext http,
        IEnumerable<ICdsService> services,
        HookRequestReader reader,
        IOptions<CdsOptions> options,
        WarmUpClient warmUp,
        Hosting.WarmUpStatus warmUpStatus,
        [FromServices] Hosting.EndpointLoggers loggers,
        CancellationToken cancellationToken)
    {
        var service = services.FirstOrDefault(s => s.Description.Id == id)
            ?? throw new CdsRequestException(StatusCodes.Status404NotFound, "Unknown CDS service", $"No CDS service has the id '{id}'.");

        var started = Stopwatch.GetTimestamp();
        HookRequest request;
        using (var body = await RequestBody.ReadJsonAsync(http.Request, options.Value.MaxRequestBodyBytes, cancellationToken))
        {
            request = reader.Read(body.Memory, service.Hook, service.PrefetchFilter, cancellationToken);
        }

        var logger = loggers.For(typeof(CdsHooksEndpoints));
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["ServiceId"] = id, ["HookInstance"] = Hosting.ControlCharacterEscaper.Escape(request.HookInstance) });
        if (ToleratedFhirSummary.Of(request.ParseIssues, request.SuppressedParseIssues) is { } tolerated)
        {
            // One line per request however many there were; codes and the first path only, never a value (PHI).
            LogToleratedFhir(logger, tolerated.Count, tolerated.Codes, tolerated.FirstPath);
        }

        // The service's own start-up calls (see WarmUpClient) are rehearsals: answered in full, never stored in the real
        // store nor audited (their writes go to the warm-up's scratch store, Storage.RehearsalStore).
        var rehearsal = warmUp.IsCaller(http.User);
        if (!rehearsal)
        {
            warmUpStatus.NoteClientCall();
        }

        var response = await service.HandleAsync(request, new CdsCall(options.Value.BaseUrlFor(http.Request), rehearsal), cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogAnswered(logger, rehearsal ? LogLevel.Debug : LogLevel.Information, request.Hook, response.Cards.Count, response.SystemActions?.Count ?? 0, elapsed);
        return Results.Json(response, CdsJson.Options);
    }

    [LoggerMessage(LogLevel.Warning, "Tolerated {FhirIssueCount} invalid FHIR values in request ({FhirIssueCodes}); first at {FhirPath}")]
    private static partial void LogToleratedFhir(ILogger logger, int fhirIssueCount, string fhirIssueCodes, string fhirPath);

    [LoggerMessage("Answered {Hook} with {CardCount} cards and {SystemActionCount} system actions in {ElapsedMs:0.0} ms")]
    private static partial void LogAnswered(ILogger logger, LogLevel level, string hook, int cardCount, int systemActionCount, double elapsedMs);
}
