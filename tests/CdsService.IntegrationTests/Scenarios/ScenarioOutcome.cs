using System.Text.Json;
using CdsService.IntegrationTests.Fixtures;

namespace CdsService.IntegrationTests.Scenarios;

internal static class ScenarioOutcome
{
    private const string CoverageInformation = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";

    public static async Task AssertMatchesAsync(Scenario scenario, HttpResponseMessage response)
    {
        var expected = scenario.Expected;
        Assert.Equal(expected.GetProperty("status").GetInt32(), (int)response.StatusCode);
        if (!response.IsSuccessStatusCode)
        {
            return;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        var cards = root.GetProperty("cards").EnumerateArray().ToList();
        var systemAction = expected.TryGetProperty("systemAction", out var sa) && sa.GetBoolean();
        CardAssertions.AssertConformant(root, coverageKnown: systemAction);

        if (!expected.TryGetProperty("criteria", out var criteria))
        {
            Assert.Empty(cards);
            Assert.False(root.TryGetProperty("systemActions", out _));
            return;
        }

        // The summary card lists every criterion; each expected status must match exactly.
        var actual = cards
            .SelectMany(CardAssertions.Criteria)
            .GroupBy(c => c.GetProperty("id").GetString()!)
            .ToDictionary(g => g.Key, g => g.First().GetProperty("status").GetString());
        foreach (var criterion in criteria.EnumerateObject())
        {
            Assert.True(actual.TryGetValue(criterion.Name, out var status), $"criterion {criterion.Name} missing");
            Assert.True(criterion.Value.GetString() == status, $"{scenario.Name}: {criterion.Name} is {status}, expected {criterion.Value.GetString()}");
        }

        var indicators = cards.Select(c => c.GetProperty("indicator").GetString()).Distinct().Order().ToList();
        Assert.Equal(expected.GetProperty("indicators").EnumerateArray().Select(i => i.GetString()).Order().ToList(), indicators);

        var approval = cards.Select(c => c.GetProperty("extension")).Single(e => e.TryGetProperty("com.priorauth.approval", out _))
            .GetProperty("com.priorauth.approval");
        Assert.Equal(expected.GetProperty("requestKind").GetString(), approval.GetProperty("kind").GetString());
        Assert.Equal(expected.GetProperty("approvalMonths").GetInt32(), approval.GetProperty("months").GetInt32());

        if (expected.TryGetProperty("covered", out var covered) && covered.ValueKind == JsonValueKind.String)
        {
            var extension = root.GetProperty("systemActions")[0].GetProperty("resource").GetProperty("extension")
                .EnumerateArray().Single(e => e.GetProperty("url").GetString() == CoverageInformation);
            var coveredValue = extension.GetProperty("extension").EnumerateArray()
                .Single(e => e.GetProperty("url").GetString() == "covered").GetProperty("valueCode").GetString();
            Assert.Equal(covered.GetString(), coveredValue);
        }

        if (expected.TryGetProperty("labOrdersSuggested", out var labs))
        {
            Assert.Equal(labs.GetBoolean(), cards.Any(c => c.TryGetProperty("suggestions", out _)));
        }
    }
}
