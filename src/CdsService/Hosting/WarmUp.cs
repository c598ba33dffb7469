using System.Text.Json;
using CdsService.CdsHooks;
using CdsService.CdsHooks.Wire;
using CdsService.Fhir;
using Hl7.Fhir.Model;

namespace CdsService.Hosting;

/// <summary>
/// Pays Firely's one-off model reflection (about 300 ms) at start-up instead of on the first clinician's order.
/// </summary>
internal sealed partial class WarmUp(FhirJsonReader reader, IEnumerable<ICdsService> services, WarmUpStatus status, ILogger<WarmUp> logger) : IHostedService
{
    public System.Threading.Tasks.Task StartAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var bundle = new Bundle { Type = Bundle.BundleType.Collection, Entry = [new() { Resource = new MedicationRequest { Id = "warm-up" } }] };
        using var document = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes<Resource>(bundle, CdsJson.Options));
        reader.Read(document.RootElement);
        JsonSerializer.SerializeToUtf8Bytes(new DiscoveryResponse([.. services.Select(s => s.Description)]), CdsJson.Options);
        status.MarkWarm();
        LogWarmedUp(logger, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return System.Threading.Tasks.Task.CompletedTask;
    }

    public System.Threading.Tasks.Task StopAsync(CancellationToken cancellationToken) => System.Threading.Tasks.Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "FHIR model warmed up in {ElapsedMs:0} ms")]
    private static partial void LogWarmedUp(ILogger logger, double elapsedMs);
}
