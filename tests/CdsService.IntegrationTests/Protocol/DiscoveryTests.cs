using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Scenarios;

namespace CdsService.IntegrationTests.Protocol;

public sealed partial class DiscoveryTests(CdsAppFixture fixture) : IClassFixture<CdsAppFixture>
{
    [Fact]
    public async Task Discovery_lists_the_Besponsa_order_sign_service_with_2_0_prefetch_templates()
    {
        using var response = await fixture.App.CreateClient().GetAsync(new Uri("/cds-services", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        CardAssertions.AssertNoEmptyValues(body.RootElement, "$");
        var service = Assert.Single(body.RootElement.GetProperty("services").EnumerateArray());
        Assert.Equal("order-sign", service.GetProperty("hook").GetString());
        Assert.Equal("besponsa-prior-auth", service.GetProperty("id").GetString());
        Assert.False(string.IsNullOrWhiteSpace(service.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(service.GetProperty("description").GetString()));

        var prefetch = service.GetProperty("prefetch").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        foreach (var type in new[] { "Patient", "Condition", "MedicationRequest", "MedicationStatement", "MedicationAdministration", "Observation", "Procedure", "QuestionnaireResponse", "Coverage" })
        {
            Assert.Contains(prefetch.Values, t => t.StartsWith(type, StringComparison.Ordinal));
        }

        // CDS Hooks 2.0: tokens may only name root-level context fields or the user* ids.
        foreach (var template in prefetch.Values)
        {
            foreach (Match token in Token().Matches(template))
            {
                Assert.Matches("^(context\\.(patientId|userId|encounterId)|userPractitionerId|userPractitionerRoleId|userPatientId|userRelatedPersonId)$", token.Groups[1].Value);
            }
        }
    }

    [Fact]
    public async Task Questionnaire_is_served_as_FHIR_R4_with_the_canonical_the_cards_name()
    {
        using var response = await fixture.App.CreateClient().GetAsync(new Uri("/fhir/Questionnaire/besponsa-prior-approval", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Questionnaire", body.RootElement.GetProperty("resourceType").GetString());
        Assert.Equal("http://payer.example.org/fhir/Questionnaire/besponsa-prior-approval", body.RootElement.GetProperty("url").GetString());
        var linkIds = body.RootElement.GetProperty("item").EnumerateArray()
            .SelectMany(g => g.GetProperty("item").EnumerateArray()).Select(i => i.GetProperty("linkId").GetString()).ToList();
        Assert.Contains("lft-monitoring", linkIds);
        Assert.Contains("vod-monitoring", linkIds);
        Assert.Contains("no-alkylating-conditioning", linkIds);
        Assert.Contains("cd22-positive", linkIds);
    }

    [Fact]
    public async Task Unknown_questionnaire_is_a_FHIR_404()
    {
        using var response = await fixture.App.CreateClient().GetAsync(new Uri("/fhir/Questionnaire/nope", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("OperationOutcome", body.RootElement.GetProperty("resourceType").GetString());
    }

    [Fact]
    public async Task Policy_document_is_served()
    {
        var text = await fixture.App.CreateClient().GetStringAsync(new Uri("/policies/besponsa", UriKind.Relative));

        Assert.Contains("Prior-Approval Requirements", text, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\{\{\s*([^}]+?)\s*\}\}")]
    private static partial Regex Token();
}
