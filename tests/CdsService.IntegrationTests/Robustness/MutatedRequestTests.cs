using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Scenarios;
using CsCheck;

namespace CdsService.IntegrationTests.Robustness;

/// <summary>
/// Property: whatever one does to a valid request — drop a member, null it, change its JSON type, wrap it in an
/// array, empty it — the answer is a 200 that obeys the CDS Hooks JSON rules or a 4xx ProblemDetails. Never a 5xx.
/// CsCheck prints the seed of any failure, so it can be replayed.
/// </summary>
public sealed class MutatedRequestTests(MutatedRequestTests.NoEhrFixture fixture) : IClassFixture<MutatedRequestTests.NoEhrFixture>
{
    private static readonly string[] ScenarioNames = [.. Scenario.All()];

    private static readonly Gen<(int Scenario, (int Node, int Kind)[] Mutations)> Requests =
        Gen.Select(Gen.Int[0, ScenarioNames.Length - 1], Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, Mutation.Kinds - 1]).Array[1, 3]);

    [Fact]
    public async Task A_mutated_request_is_never_answered_with_a_5xx()
    {
        await Requests.SampleAsync(
            async sample =>
            {
                var request = JsonNode.Parse(Examples.Read($"scenarios/{ScenarioNames[sample.Scenario]}/request.json"))!;
                foreach (var (node, kind) in sample.Mutations)
                {
                    request = Mutation.Apply(request, node, kind);
                }

                using var response = await fixture.App.PostJsonAsync(CdsApp.BesponsaService, request.ToJsonString());

                Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {request.ToJsonString()[..Math.Min(300, request.ToJsonString().Length)]}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    CardAssertions.AssertConformant(body.RootElement, coverageKnown: false);
                }
                else
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }
            },
            iter: 1000,
            threads: 1);
    }

    /// <summary>The Development app with no FHIR server allowed, so a dropped prefetch key costs no outbound call.</summary>
    public sealed class NoEhrFixture : IDisposable
    {
        public CdsApp App { get; } = new CdsApp()
            .With("Fhir:AllowedServers:0", "http://127.0.0.1:1")
            .With("Fhir:AllowedServers:1", "http://localhost:1");

        public void Dispose() => App.Dispose();
    }
}

/// <summary>Structural mutations of a JSON document, chosen by index so a failing case is reproducible.</summary>
internal static class Mutation
{
    public const int Kinds = 9;

    public static JsonNode Apply(JsonNode root, int nodeSeed, int kind)
    {
        var nodes = Descendants(root).ToList();
        var target = nodes[nodeSeed % nodes.Count];
        if (target.Parent is null)
        {
            return root;
        }

        JsonNode? replacement = kind switch
        {
            1 => null,
            2 => JsonValue.Create(""),
            3 => JsonValue.Create(12345),
            4 => new JsonObject(),
            5 => new JsonArray(),
            6 => new JsonArray(target.DeepClone()),
            7 => JsonValue.Create("\u0001 \u00e9 Patient/../x"),
            8 => JsonValue.Create(true),
            _ => target,
        };

        switch (target.Parent)
        {
            case JsonObject parent:
                var name = target.GetPropertyName();
                if (kind == 0)
                {
                    parent.Remove(name);
                }
                else
                {
                    parent[name] = replacement;
                }

                break;
            case JsonArray array:
                var index = target.GetElementIndex();
                if (kind == 0)
                {
                    array.RemoveAt(index);
                }
                else
                {
                    array[index] = replacement;
                }

                break;
        }

        return root;
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }
}
