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
/// on a fictional scenario request embedded in the assembly, 40 times, which compiles all of it. A second phase
/// (<see cref="TierUpAsync"/>, bounded by <see cref="WarmUpOptions.TierUpBudget"/>) runs after the server listens and
/// before readiness, through the server itself where it can, until the runtime has finished re-optimising that path.
/// </summary>
internal sealed partial class WarmUp(
    FhirJsonReader reader,
    HookRequestReader hookReader,
    IEnumerable<ICdsService> services,
    IEnumerable<IDrugPolicy> policies,
    CardRenderer renderer,
    WarmUpStatus status,
    WarmUpCalls calls,
    Security.WarmUpClient client,
    Storage.RehearsalStore scratch,
    Microsoft.Extensions.Options.IOptions<WarmUpOptions> options,
    ILogger<WarmUp> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private System.Threading.Tasks.Task _tierUp = System.Threading.Tasks.Task.CompletedTask;
    private int _stopped;

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

        // The first phase on the 14 KB request only: it compiles the hot path, and every host (each test's too) pays it.
        // The 90-resource body is read only when the second phase runs.
        var scenario = Sample("warm-up/order-sign.json");
        RunHotPath(scenario, HotPathRuns, cancellationToken);
        LogWarmedUp(logger, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (options.Value.TierUpBudget <= TimeSpan.Zero || scenario.Count == 0)
        {
            client.Retire();
            status.MarkWarm();
            return System.Threading.Tasks.Task.CompletedTask;
        }

        List<byte[]> samples = [.. scenario, .. Sample("warm-up/order-sign-90-resources.json")];
        _tierUp = System.Threading.Tasks.Task.Run(() => TierUpAsync(samples, _stopping.Token), CancellationToken.None);
        return System.Threading.Tasks.Task.CompletedTask;
    }

    /// <summary>
    /// The second phase, after the server listens (liveness answers) and before readiness: the runtime re-optimises
    /// its own precompiled code (Kestrel, the BCL, System.Text.Json, collections) only after call counting starts, and
    /// compiles it on a background thread; it postpones both for as long as new code keeps being called (its tiering
    /// delay). So the hot path runs in cycles of a burst of runs and an idle period longer than that delay, until a
    /// whole cycle compiles nothing, or the budget runs out; only then does the instance say it is ready. Back-to-back
    /// rounds without the idle period (the first version of this loop) never let the delay run out: on one core the
    /// instance went ready with nothing promoted and ran at half its steady speed for the next 10 s. The runs are calls
    /// to the service's own endpoint over HTTP (<see cref="WarmUpCalls"/>) when it has a plain-HTTP listener, else
    /// in-process; the warm-up client is retired when the phase ends, however it ends.
    /// </summary>
    private async System.Threading.Tasks.Task TierUpAsync(IReadOnlyList<byte[]> samples, CancellationToken stopping)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var budget = options.Value.TierUpBudget;
        var idle = Environment.ProcessorCount == 1 ? IdleOnOneCpu : Idle;
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false);
        var cycles = 0;
        try
        {
            using var withinBudget = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            withinBudget.CancelAfter(budget);

            // Rehearsals write what a client's call writes, into a scratch store: the store's code is then compiled
            // and re-optimised here, not under the first clients' load.
            await scratch.BeginAsync(withinBudget.Token);
            var local = await calls.ConnectAsync(withinBudget.Token);
            while (!withinBudget.IsCancellationRequested && !ClientsTookOver(cycles))
            {
                // Calls in flight are not cut off when the budget runs out (a cut-off call would still be answered, to
                // nobody), but no new one starts: the budget can be overrun by the calls in flight, at most four.
                if (local is null || !await calls.RunAsync(local, samples, RunsPerCycle, withinBudget.Token, stopping))
                {
                    local = null;
                    RunHotPath(samples, RunsPerCycle, withinBudget.Token);
                }

                cycles++;
                if (ClientsTookOver(cycles))
                {
                    break;
                }

                // Idle, so the runtime's tiering delay can run out: while the hot path keeps running, the runtime keeps
                // postponing both call counting and the background re-compilation (measured: no method was promoted
                // during 4 s of back-to-back rounds, 700 were within a second of them stopping).
                await System.Threading.Tasks.Task.Delay(idle, withinBudget.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                var now = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false);
                LogCycle(logger, cycles, now - compiled);
                // At least two cycles: promotions that the first cycle's calls start get a second idle period to show in.
                // A client that called during the idle period is seen (and logged) by the loop's own check.
                if (now == compiled && cycles > 1 && !status.ClientCalled)
                {
                    break;
                }

                compiled = now;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The warm-up is an optimisation: a failure here must not keep the instance out of service.
            LogTierUpFailed(logger, e.GetType().Name);
        }
        finally
        {
            client.Retire();
            try
            {
                await scratch.EndAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Scratch files left behind are deleted at the next start; readiness must not wait on them.
                LogTierUpFailed(logger, e.GetType().Name);
            }
        }

        status.MarkWarm();
        LogTieredUp(logger, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, cycles, compiled, calls.Answered);
    }

    /// <summary>
    /// Whether a client has called a hook: its own calls warm the path from then on, and rehearsals would only slow
    /// them down. Checked before each cycle and after it, so a call made during an idle period is seen too.
    /// </summary>
    private bool ClientsTookOver(int cycles)
    {
        if (!status.ClientCalled)
        {
            return false;
        }

        LogClientsTookOver(logger, cycles);
        return true;
    }

    // Longer than the runtime's tiering delay (100 ms, ten times that on one CPU), which restarts while new code is
    // still being called for the first time, so an idle period with nothing compiled means tiering has finished.
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan IdleOnOneCpu = TimeSpan.FromSeconds(2.5);

    // More than the 30 calls after which the runtime promotes a method, for code called once per request.
    private const int RunsPerCycle = 40;

    // This service's code and Firely's are first compiled unoptimised and instrumented; the runs pay that compilation
    // here and reach the 30 calls after which a method is queued for re-compilation. The re-compilation itself, and
    // the promotion of the runtime's own precompiled code, wait for the tiering delay to run out, which back-to-back
    // runs never allow: that is the second phase's work (TierUpAsync), with its idle periods.
    private const int HotPathRuns = 40;

    /// <summary>A fictional request embedded in the assembly (the 14 KB scenario or the 90-resource chart); empty when it is missing.</summary>
    private static List<byte[]> Sample(string name)
    {
        using var sample = typeof(WarmUp).Assembly.GetManifestResourceStream(name);
        if (sample is null)
        {
            return [];
        }

        using var copy = new MemoryStream();
        sample.CopyTo(copy);
        return [copy.ToArray()];
    }

    private void RunHotPath(IReadOnlyList<byte[]> samples, int runs, CancellationToken cancellationToken)
    {
        var call = new CdsCall(new Uri("http://localhost/"), Rehearsal: true);
        for (var i = 0; i < runs && !cancellationToken.IsCancellationRequested && !status.ClientCalled; i++)
        {
            foreach (var body in samples)
            {
                foreach (var service in services.Where(s => s.Hook == HookDefinition.OrderSign))
                {
                    var request = hookReader.Read(body, service.Hook, service.PrefetchFilter, cancellationToken);
                    var response = service.HandleAsync(request, call, cancellationToken).GetAwaiter().GetResult();
                    JsonSerializer.SerializeToUtf8Bytes(response, CdsJson.Options);
                }
            }
        }
    }

    public async System.Threading.Tasks.Task StopAsync(CancellationToken cancellationToken)
    {
        // A host may stop its services again while disposing them (WebApplicationFactory does): only the first stop cancels.
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _stopping.CancelAsync();
        }

        await _tierUp.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        // Released only once the loop no longer reads it; a loop still running here was never stopped (a failed start).
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            _stopping.Cancel();
        }

        if (_tierUp.IsCompleted)
        {
            _stopping.Dispose();
        }
    }

    [LoggerMessage(LogLevel.Information, "FHIR model and policies warmed up in {ElapsedMs:0} ms")]
    private static partial void LogWarmedUp(ILogger logger, double elapsedMs);

    [LoggerMessage(LogLevel.Information, "Hot path tiered up in {ElapsedMs:0} ms ({Cycles} cycles, {Compiled} methods compiled, {Calls} calls to itself over HTTP); ready")]
    private static partial void LogTieredUp(ILogger logger, double elapsedMs, int cycles, long compiled, int calls);

    [LoggerMessage(LogLevel.Debug, "Tier-up cycle {Cycle}: {Compiled} methods compiled")]
    private static partial void LogCycle(ILogger logger, int cycle, long compiled);

    [LoggerMessage(LogLevel.Information, "Clients are calling before readiness; the warm-up ends after {Cycles} cycles")]
    private static partial void LogClientsTookOver(ILogger logger, int cycles);

    [LoggerMessage(LogLevel.Warning, "Tier-up warm-up stopped early ({Failure}); ready without it")]
    private static partial void LogTierUpFailed(ILogger logger, string failure);
}
