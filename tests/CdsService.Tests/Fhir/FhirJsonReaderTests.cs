using System.Text.Json;
using CdsService.Fhir;
using Hl7.Fhir.Model;

namespace CdsService.Tests.Fhir;

public sealed class FhirJsonReaderTests
{
    private readonly FhirJsonReader _reader = new();

    [Fact]
    public void Sandbox_category_object_is_wrapped_and_everything_else_is_kept()
    {
        using var document = JsonDocument.Parse(TestFiles.Read("tests/fhir/sandbox-draft-orders.json"));

        var result = _reader.Read(document.RootElement);

        var order = Assert.IsType<MedicationRequest>(Assert.IsType<Bundle>(result.Resource).Entry[0].Resource);
        Assert.Equal("community", Assert.Single(order.Category).Coding[0].Code);
        Assert.Equal(MedicationRequest.MedicationRequestIntent.Order, order.Intent);
        Assert.Equal("404589", ((CodeableConcept)order.Medication).Coding[0].Code);
        Assert.Contains(result.Issues, i => i.Code == ShapeRepair.RepairedCode && i.Path.EndsWith("category", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Issues, i => i.Path.Contains("intent", StringComparison.Ordinal));
    }
}
