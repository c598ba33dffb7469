using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using CdsService.CdsHooks;
using CdsService.CdsHooks.Wire;
using CdsService.Attestation;
using CdsService.Hosting;
using CdsService.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CdsService.Benchmarks;

/// <summary>
/// The three stages of an order-sign call on the 90-resource body (fhir-examples/bench), without HTTP: reading the
/// request (JSON, pre-filter, Firely), handling it (record, policy, cards) and writing the response.
/// </summary>
[MemoryDiagnoser]
public class HookBenchmarks
{
    private ServiceProvider? _services;
    private HookRequestReader _reader = null!;
    private ICdsService _service = null!;
    private byte[] _body = null!;
    private HookRequest _request = null!;
    private CdsResponse _response = null!;
    private readonly CdsCall _call = new(new Uri("http://localhost/"));

    /// <summary>The 149 KB bench body, or the 14 KB request of scenario 05 (the load script's small body).</summary>
    [Params("bench/order-sign-90-resources.json", "scenarios/05-ph-negative-adult-all-met/request.json")]
    public string Body { get; set; } = "bench/order-sign-90-resources.json";

    [GlobalSetup]
    public void Setup()
    {
        // As the service runs in Development (the load script's profile), on a throw-away SQLite file: handling
        // includes the pre-emptive determination the all-met bench body earns, written durably before the answer.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration["Storage:Sqlite:Path"] = Path.Combine(Path.GetTempPath(), $"cds-bench-{Guid.NewGuid():N}.db");
        builder.Configuration["Determinations:Enabled"] = Environment.GetEnvironmentVariable("BENCH_DETERMINATIONS") ?? "true";
        builder.Services.AddCdsHooks();
        builder.Services.AddPatientRecords();
        builder.Services.AddPriorAuthPolicies();
        builder.Services.AddServiceState();
        builder.Services.AddAttestationForms();
        builder.Services.AddHttpContextAccessor();
        _services = builder.Services.BuildServiceProvider();
        _services.GetRequiredService<IStateStore>().MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        _reader = _services.GetRequiredService<HookRequestReader>();
        _service = _services.GetServices<ICdsService>().First();
        _body = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fhir-examples", Body));
        _request = _reader.Read(_body, _service.Hook, _service.PrefetchFilter, CancellationToken.None);
        _response = _service.HandleAsync(_request, _call, CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _services?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public int Parse() => _reader.Read(_body, _service.Hook, _service.PrefetchFilter, CancellationToken.None).Prefetch.Count;

    [Benchmark]
    public int Handle() => _service.HandleAsync(_request, _call, CancellationToken.None).GetAwaiter().GetResult().Cards.Count;

    [Benchmark]
    public byte[] Render() => JsonSerializer.SerializeToUtf8Bytes(_response, CdsJson.Options);

    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(HookBenchmarks).Assembly).Run(args);
}
