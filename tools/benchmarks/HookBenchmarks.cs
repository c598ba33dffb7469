using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using CdsService.CdsHooks;
using CdsService.CdsHooks.Wire;
using CdsService.Hosting;
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

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddCdsHooks();
        builder.Services.AddPatientRecords();
        builder.Services.AddPriorAuthPolicies();
        _services = builder.Services.BuildServiceProvider();
        _reader = _services.GetRequiredService<HookRequestReader>();
        _service = _services.GetServices<ICdsService>().First();
        _body = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fhir-examples", "order-sign-90-resources.json"));
        _request = _reader.Read(_body, _service.Hook, _service.PrefetchFilter, CancellationToken.None);
        _response = _service.HandleAsync(_request, _call, CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _services?.Dispose();

    [Benchmark]
    public int Parse() => _reader.Read(_body, _service.Hook, _service.PrefetchFilter, CancellationToken.None).Prefetch.Count;

    [Benchmark]
    public int Handle() => _service.HandleAsync(_request, _call, CancellationToken.None).GetAwaiter().GetResult().Cards.Count;

    [Benchmark]
    public byte[] Render() => JsonSerializer.SerializeToUtf8Bytes(_response, CdsJson.Options);

    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(HookBenchmarks).Assembly).Run(args);
}
