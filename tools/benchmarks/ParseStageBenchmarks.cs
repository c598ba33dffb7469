using System.Runtime.InteropServices;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CdsService.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CdsService.Benchmarks;

/// <summary>
/// Where parsing the 90-resource body goes, stage by stage: the JSON floor, the Unicode pass, Firely on the resources
/// the pre-filter keeps, and the value check on what Firely built. The stages add up to <see cref="HookBenchmarks.Parse"/>.
/// </summary>
[MemoryDiagnoser]
public class ParseStageBenchmarks
{
    private static readonly FhirJsonDeserializer Firely = new(new DeserializerSettings { Validator = null });

    private byte[] _body = null!;
    private ReadOnlyMemory<byte>[] _kept = null!;
    private Resource[] _parsed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _body = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fhir-examples", "bench", "order-sign-90-resources.json"));
        using var document = JsonDocument.Parse(_body);
        var patientId = document.RootElement.GetProperty("context").GetProperty("patientId").GetString()!;
        var keep = CdsService.PatientRecords.RecordEntryFilter.For(patientId, new CdsService.Policies.Besponsa.BesponsaRecordInterest());
        var kept = new List<ReadOnlyMemory<byte>>();
        foreach (var section in document.RootElement.GetProperty("prefetch").EnumerateObject())
        {
            if (section.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (section.Value.TryGetProperty("entry", out var entries))
            {
                kept.AddRange(entries.EnumerateArray().Select(e => e.GetProperty("resource")).Where(keep).Select(r => (ReadOnlyMemory<byte>)JsonMarshal.GetRawUtf8Value(r).ToArray()));
            }
            else
            {
                kept.Add(JsonMarshal.GetRawUtf8Value(section.Value).ToArray());
            }
        }

        _kept = [.. kept];
        _parsed = [.. _kept.Select(Deserialize)];
        Console.WriteLine($"// {_kept.Length} resources kept, {_kept.Sum(k => k.Length)} bytes");
    }

    [Benchmark(Baseline = true)]
    public int JsonDocumentFloor()
    {
        using var document = JsonDocument.Parse(_body);
        return document.RootElement.GetArrayLength_Safe();
    }

    [Benchmark]
    public int JsonInputParse()
    {
        using var document = JsonInput.Parse(_body);
        return document.RootElement.GetArrayLength_Safe();
    }

    [Benchmark]
    public int UnicodePass() => JsonInput.FindInvalidText(_body)?.Length ?? 0;

    [Benchmark]
    public int FirelyOnKept()
    {
        var n = 0;
        foreach (var raw in _kept)
        {
            n += Deserialize(raw) is null ? 0 : 1;
        }

        return n;
    }

    [Benchmark]
    public int ValueCheck()
    {
        var n = 0;
        foreach (var resource in _parsed)
        {
            n += FhirValueCheck.Inspect(resource).NeedsRepair ? 1 : 0;
        }

        return n;
    }

    private static Resource Deserialize(ReadOnlyMemory<byte> raw)
    {
        var reader = new Utf8JsonReader(raw.Span);
        Firely.TryDeserializeResource(ref reader, out var resource, out _);
        return resource!;
    }
}

internal static class JsonElementExtensions
{
    public static int GetArrayLength_Safe(this JsonElement element) => element.ValueKind == JsonValueKind.Array ? element.GetArrayLength() : 1;
}
