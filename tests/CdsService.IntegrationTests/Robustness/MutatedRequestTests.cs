using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Scenarios;
using CsCheck;

namespace CdsService.IntegrationTests.Robustness;

/// <summary>
/// Property: whatever one does to a valid request of any fhir-examples scenario — drop a member, null it, change its
/// JSON type, wrap it, empty it, or any of the shapes that once got a 5xx (<see cref="Mutation"/>) — the answer is a 200
/// that obeys the CDS Hooks JSON rules or a 4xx ProblemDetails. Never a 5xx. CsCheck prints the seed of any failure,
/// so it can be replayed. <c>CDS_FUZZ_ITERATIONS</c> sets the number of requests (1,000 by default, as in CI);
/// <c>tools/fuzz</c> runs the same generator 10,000 times and reports timings.
/// </summary>
public sealed class MutatedRequestTests(MutatedRequestTests.NoEhrFixture fixture) : IClassFixture<MutatedRequestTests.NoEhrFixture>
{
    private static readonly string[] ScenarioNames = [.. Scenario.All()];

    /// <summary>Requests per property run: <c>CDS_FUZZ_ITERATIONS</c>, 1,000 by default (also <see cref="HeaderVariationTests"/>'s).</summary>
    internal static readonly int Iterations =
        int.TryParse(Environment.GetEnvironmentVariable("CDS_FUZZ_ITERATIONS"), out var configured) && configured > 0 ? configured : 1000;

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

                var bytes = Mutation.ToBytes(request);
                using var content = new ByteArrayContent(bytes);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var response = await fixture.App.CreateClient().PostAsync(new Uri(CdsApp.BesponsaService, UriKind.Relative), content);

                Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(300, bytes.Length))}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(), new JsonDocumentOptions { MaxDepth = 256 });
                    CardAssertions.AssertConformant(body.RootElement, coverageKnown: false);
                }
                else
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }
            },
            iter: Iterations,
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
