using System.Text.Json;
using CdsService.Cards;
using CdsService.CdsHooks;
using CdsService.CdsHooks.Wire;
using CdsService.Fhir;
using CdsService.PatientRecords;
using CdsService.Policies;
using Hl7.Fhir.Model;

namespace CdsService.Hosting;

/// <summary>
/// Pays the one-off costs at start-up instead of on the first clinician's order: Firely's model reflection (about
/// 300 ms) and the first run of every policy, the card renderer and the response serializer on a synthetic,
/// patient-free order; then the real hot path (request reader, pre-filter, Firely, record, policy, cards, response)
/// on a fictional scenario request embedded in the assembly, 40 times, which compiles all of it.
/// </summary>
internal sealed partial class WarmUp(
    FhirJsonReader reader,
    HookRequestReader hookReader,
    IEnumerable<ICdsService> services,
    IEnumerable<IDrugPolicy> policies,
    CardRenderer renderer,
    WarmUpStatus status,
    ILogger<WarmUp> logger) : IHostedService
{
    public System.Threading.Tasks.Task StartAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var order = new MedicationRequest { Id = "warm-up", Status = MedicationRequest.MedicationrequestStatus.Draft, Intent = MedicationRequest.MedicationRequestIntent.Order };
        var bundle = new Bundle { Type = Bundle.BundleType.Collection, Entry = [new() { Resource = order }] };
        using var document = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes<Resource>(bundle, CdsJson.Options));
        reader.Read(document.RootElement);
        JsonSerializer.SerializeToUtf8Bytes(new DiscoveryResponse([.. services.Select(s => s.Description)]), CdsJson.Options);

        var request = new HookRequest(
            HookDefinition.OrderSign.Name,
            "warm-up",
            null,
            null,
            new HookContext(new Dictionary<string, string> { ["patientId"] = "warm-up", ["userId"] = "Practitioner/warm-up" }, new Dictionary<string, Resource>()),
            new Dictionary<string, PrefetchValue>(),
            []);
        var record = new PatientRecord { PatientId = "warm-up" };
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var decisions = policies.Select(p => p.Evaluate(order, record, today)).ToList();
        JsonSerializer.SerializeToUtf8Bytes(renderer.Render(decisions, request, new CdsCall(new Uri("http://localhost/"))), CdsJson.Options);

        RunHotPath(services, cancellationToken);
        status.MarkWarm();
        LogWarmedUp(logger, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return System.Threading.Tasks.Task.CompletedTask;
    }

    // This service's code and Firely's are compiled optimised on first call (the project turns quick JIT off); the
    // runs pay that compilation here, and the runtime's own precompiled code is promoted later, under traffic, once
    // call counting begins (1 s without new jitting on one CPU). Running longer here did not bring that sooner.
    private const int HotPathRuns = 40;

    private void RunHotPath(IEnumerable<ICdsService> cdsServices, CancellationToken cancellationToken)
    {
        using var sample = typeof(WarmUp).Assembly.GetManifestResourceStream("warm-up/order-sign.json");
        if (sample is null)
        {
            return;
        }

        using var copy = new MemoryStream();
        sample.CopyTo(copy);
        var body = copy.ToArray();
        var call = new CdsCall(new Uri("http://localhost/"), Rehearsal: true);
        for (var i = 0; i < HotPathRuns && !cancellationToken.IsCancellationRequested; i++)
        {
            foreach (var service in cdsServices.Where(s => s.Hook == HookDefinition.OrderSign))
            {
                var request = hookReader.Read(body, service.Hook, service.PrefetchFilter, cancellationToken);
                var response = service.HandleAsync(request, call, cancellationToken).GetAwaiter().GetResult();
                JsonSerializer.SerializeToUtf8Bytes(response, CdsJson.Options);
            }
        }
    }

    public System.Threading.Tasks.Task StopAsync(CancellationToken cancellationToken) => System.Threading.Tasks.Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "FHIR model and policies warmed up in {ElapsedMs:0} ms")]
    private static partial void LogWarmedUp(ILogger logger, double elapsedMs);
}
