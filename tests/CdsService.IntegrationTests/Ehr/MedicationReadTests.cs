using System.Text.Json;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Scenarios;
using Bundle = Hl7.Fhir.Model.Bundle;
using CodeableConcept = Hl7.Fhir.Model.CodeableConcept;
using Medication = Hl7.Fhir.Model.Medication;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>
/// Medications that neither the prefetch nor draftOrders carry are read from the FHIR server in one
/// <c>Medication?_id=</c> search; what still cannot be read is never taken for "not Besponsa" or "no TKI" silently.
/// </summary>
public sealed class MedicationReadTests(EhrAppFixture fixture) : IClassFixture<EhrAppFixture>
{
    private const string Rxnorm = "http://www.nlm.nih.gov/research/umls/rxnorm";

    private static JsonObject OrderByReference(string medicationId)
    {
        var request = EhrRequests.Load();
        var order = request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!.AsObject();
        order.Remove("medicationCodeableConcept");
        order["medicationReference"] = new JsonObject { ["reference"] = $"Medication/{medicationId}" };
        return request;
    }

    private static string Medications(params (string Id, string Code)[] medications) => FakeEhr.Json(new Bundle
    {
        Type = Bundle.BundleType.Searchset,
        Total = medications.Length,
        Entry = [.. medications.Select(m => new Bundle.EntryComponent { Resource = new Medication { Id = m.Id, Code = new CodeableConcept(Rxnorm, m.Code) } })],
    });

    [Fact]
    public async Task An_order_whose_Medication_only_the_server_has_is_read_and_evaluated()
    {
        using var ehr = new FakeEhr().ServeMedicationSearch(Medications(("med-srv-1", "1942959")));
        var request = OrderByReference("med-srv-1").PointedAt(ehr.BaseUrl).WithToken(EhrRequests.Token);

        using var response = await fixture.App.PostAsync(request);

        await ScenarioOutcome.AssertMatchesAsync(Scenario.Load(EhrRequests.AllMet), response);
        Assert.Equal(["GET /fhir/r4/Medication?_id=med-srv-1"], ehr.Requests.Select(r => r.Line()));
    }

    [Fact]
    public async Task Every_missing_Medication_is_read_in_one_search()
    {
        using var ehr = new FakeEhr().ServeMedicationSearch(Medications(("med-srv-1", "1942959"), ("med-srv-2", "11202")));
        var request = OrderByReference("med-srv-1").PointedAt(ehr.BaseUrl);
        var statement = request["prefetch"]!["medicationStatements"]!["entry"]![0]!["resource"]!.AsObject();
        statement.Remove("medicationCodeableConcept");
        statement["medicationReference"] = new JsonObject { ["reference"] = "Medication/med-srv-2" };

        using var response = await fixture.App.PostAsync(request);

        await ScenarioOutcome.AssertMatchesAsync(Scenario.Load(EhrRequests.AllMet), response);
        var search = Assert.Single(ehr.Requests);
        Assert.Equal(["med-srv-1", "med-srv-2"], string.Join(",", search.Query!["_id"]).Split(',').Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_order_whose_Medication_cannot_be_read_gets_no_guidance_rather_than_a_guess()
    {
        using var ehr = new FakeEhr();
        var request = OrderByReference("med-gone").PointedAt(ehr.BaseUrl);

        using var response = await fixture.App.PostAsync(request);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Empty(body.RootElement.GetProperty("cards").EnumerateArray());
        Assert.Single(ehr.Requests);
    }
}
