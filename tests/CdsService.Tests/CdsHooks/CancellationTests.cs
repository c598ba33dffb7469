using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using CdsService.CdsHooks;
using CdsService.Fhir;
using Microsoft.Extensions.Options;

namespace CdsService.Tests.CdsHooks;

/// <summary>
/// A client that hangs up (or a request timeout) stops the parse within one resource: the reader checks the request's
/// token between Bundle entries, so the core is freed at once instead of after the whole prefetch.
/// </summary>
public sealed class CancellationTests
{
    private readonly HookRequestReader _reader = new(new FhirJsonReader(), Options.Create(new CdsOptions { MaxRecordResources = 100_000, MaxBundleEntries = 100_000 }));

    [Fact]
    public void A_cancelled_request_stops_reading_the_prefetch_mid_way()
    {
        var body = LargeRequest(20_000);
        using var hangUp = new CancellationTokenSource();
        var entriesRead = 0;

        // The filter runs once per entry, just before it is parsed: it counts them and hangs up after 100.
        Func<HookContext, CdsService.Fhir.EntrySelection?> counting = _ => new CdsService.Fhir.EntrySelection(
            _ =>
            {
                if (++entriesRead == 100)
                {
                    hangUp.Cancel();
                }

                return true;
            },
            new CdsService.Fhir.ElementNames([]));

        Assert.ThrowsAny<OperationCanceledException>(() => _reader.Read(body, HookDefinition.OrderSign, counting, hangUp.Token));
        Assert.InRange(entriesRead, 100, 101);
    }

    [Fact]
    public void The_same_request_reads_to_the_end_when_nobody_hangs_up()
    {
        var started = Stopwatch.GetTimestamp();
        var request = _reader.Read(LargeRequest(2_000), HookDefinition.OrderSign, null, CancellationToken.None);

        Assert.Equal(2_000, ((Hl7.Fhir.Model.Bundle)((PrefetchValue.Data)request.Prefetch["observations"]).Resource).Entry.Count);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30));
    }

    private static byte[] LargeRequest(int observations)
    {
        var request = JsonNode.Parse(TestFiles.Read("scenarios/05-ph-negative-adult-all-met/request.json"))!;
        var entries = new JsonArray();
        for (var i = 0; i < observations; i++)
        {
            entries.Add(new JsonObject
            {
                ["resource"] = new JsonObject
                {
                    ["resourceType"] = "Observation",
                    ["id"] = $"o{i}",
                    ["status"] = "final",
                    ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "1742-6" }) },
                    ["subject"] = new JsonObject { ["reference"] = "Patient/pat-05" },
                    ["effectiveDateTime"] = "2026-11-01",
                    ["valueQuantity"] = new JsonObject { ["value"] = 20, ["unit"] = "U/L" },
                },
            });
        }

        request["prefetch"]!["observations"] = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = entries };
        return Encoding.UTF8.GetBytes(request.ToJsonString());
    }
}
