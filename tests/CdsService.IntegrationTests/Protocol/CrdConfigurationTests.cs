using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Scenarios;

namespace CdsService.IntegrationTests.Protocol;

/// <summary>Da Vinci CRD configuration: offered in discovery, honoured per call, unknown options ignored.</summary>
public sealed class CrdConfigurationTests(CdsAppFixture fixture) : IClassFixture<CdsAppFixture>
{
    [Fact]
    public async Task Discovery_offers_a_boolean_per_card_type_and_max_cards()
    {
        using var discovery = JsonDocument.Parse(await fixture.App.CreateClient().GetStringAsync(new Uri("/cds-services", UriKind.Relative)));

        var options = discovery.RootElement.GetProperty("services")[0].GetProperty("extension").GetProperty("davinci-crd.configuration-options");
        foreach (var option in options.EnumerateArray())
        {
            foreach (var field in new[] { "code", "type", "name", "description", "default" })
            {
                Assert.True(option.TryGetProperty(field, out _), $"option lacks {field}");
            }
        }

        var codes = options.EnumerateArray().Select(o => o.GetProperty("code").GetString()).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.Contains("coverage-info", codes);
        Assert.Contains("max-cards", codes);
    }

    [Fact]
    public async Task Max_cards_limits_the_cards_to_the_most_severe()
    {
        var all = await PostAsync(configuration: null);
        var limited = await PostAsync(new JsonObject { ["max-cards"] = 1 });

        Assert.True(all.GetProperty("cards").GetArrayLength() > 1);
        var only = Assert.Single(limited.GetProperty("cards").EnumerateArray());
        Assert.Equal(all.GetProperty("cards")[0].GetProperty("summary").GetString(), only.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task Coverage_info_off_drops_the_coverage_cards_and_the_system_action()
    {
        var response = await PostAsync(new JsonObject { ["coverage-info"] = false, ["unknown-option"] = "ignored" });

        Assert.False(response.TryGetProperty("systemActions", out _));
        Assert.DoesNotContain(response.GetProperty("cards").EnumerateArray(), c => c.GetProperty("source").GetProperty("topic").GetProperty("code").GetString() == "coverage-info");
    }

    private async Task<JsonElement> PostAsync(JsonObject? configuration)
    {
        // Scenario 05 without its attestation: a summary, a documentation request and the questionnaire card.
        var request = JsonNode.Parse(Examples.Read("scenarios/05-ph-negative-adult-all-met/request.json"))!.AsObject();
        request["prefetch"]!["questionnaireResponses"] = null;
        if (configuration is not null)
        {
            request["extension"] = new JsonObject { ["davinci-crd.configuration"] = configuration };
        }

        using var response = await fixture.App.PostJsonAsync(CdsApp.BesponsaService, request.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        CardAssertions.AssertConformant(body.RootElement, coverageKnown: configuration?["coverage-info"] is null);
        return body.RootElement.Clone();
    }
}
