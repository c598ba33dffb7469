using CdsService.IntegrationTests.Fixtures;
using CdsService.PatientRecords;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>
/// 200 hooks at once against a healthy FHIR server: none comes back partial. The standard resilience handler's
/// concurrency limiter once refused most of them and its refusals opened the breaker; the read gate queues instead.
/// The deadlines are generous so that a loaded CI machine tests the design, not its CPU.
/// </summary>
public sealed class ConcurrentHooksTests : IDisposable
{
    private readonly CapturedLogs _logs = new();
    private readonly CdsApp _app;

    public ConcurrentHooksTests() => _app = new CdsApp()
        .With("Fhir:HookDeadline", "00:00:50")
        .With("Fhir:PerCallTimeout", "00:00:40")
        .With("Fhir:MaxConcurrentReads", "16")
        .With("Serilog:MinimumLevel:Default", "Warning")
        .WithServices(services => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Serilog.Core.ILogEventSink>(services, _logs));

    [Fact]
    public async Task Two_hundred_concurrent_hooks_against_a_healthy_server_are_all_complete()
    {
        using var ehr = new FakeEhr();
        var prefetch = EhrRequests.Load()["prefetch"]!;
        // Every search section: 1,600 reads, past the 1,000 the standard handler's limiter admitted at once.
        var fetched = RecordSection.All.Where(s => !s.IsRead && prefetch[s.Key] is not null).ToArray();
        foreach (var section in fetched)
        {
            ehr.Serve(section, "pat-05", prefetch[section.Key]!.ToJsonString(), delay: TimeSpan.FromMilliseconds(20));
        }

        var keys = fetched.Select(s => s.Key).ToArray();
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await _app.PostAsync(EhrRequests.Load().PointedAt(ehr.BaseUrl).WithoutPrefetch(keys));
            return await HookAnswer.ReadAsync(response);
        }));

        var why = string.Join("; ", _logs.Events.Where(e => e.Level >= Serilog.Events.LogEventLevel.Warning)
            .Select(e => e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)).Distinct().Take(5));
        Assert.False(answers.Any(a => a.SaysRecordIncomplete), why);
        Assert.Equal(200 * fetched.Length, ehr.Requests.Count);
    }

    public void Dispose() => _app.Dispose();
}
