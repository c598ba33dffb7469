using CdsService.PatientRecords;
using CdsService.Policies;
using Hl7.Fhir.Model;
using static CdsService.Tests.Policies.Concepts;

namespace CdsService.Tests.Policies;

public sealed class MedicationIndexTests
{
    private static readonly MedicationIndex Index = MedicationIndex.From(
    [
        new Bundle { Entry = [new Bundle.EntryComponent { Resource = new Medication { Id = "med-1", Code = BesponsaVial } }] },
    ]);

    [Theory]
    [InlineData("Medication/med-1")]
    [InlineData("https://ehr.example.org/fhir/Medication/med-1")]
    [InlineData("Medication/med-1/_history/3")]
    public void A_reference_resolves_to_a_Medication_from_any_bundle(string reference)
    {
        var resolved = Index.Resolve(new ResourceReference(reference), []);

        Assert.Null(resolved.Unresolved);
        Assert.Equal("1942959", Assert.Single(resolved.Codes).Code);
    }

    [Fact]
    public void A_reference_that_is_nowhere_names_what_could_not_be_identified()
    {
        var resolved = Index.Resolve(new ResourceReference("Medication/med-9"), []);

        Assert.Empty(resolved.Codes);
        Assert.Equal("Medication/med-9", resolved.Unresolved);
    }

    [Fact]
    public void A_contained_Medication_resolves_by_its_local_id() =>
        Assert.Null(Index.Resolve(new ResourceReference("#m"), [new Medication { Id = "m", Code = Imatinib }]).Unresolved);

    [Theory]
    [InlineData("Medication/a,b")]
    [InlineData("Medication/")]
    [InlineData("Patient/p1")]
    public void Only_valid_FHIR_ids_are_read_from_the_server(string reference) =>
        Assert.Null(MedicationIndex.IdOf(reference));

    [Theory]
    [InlineData(2026, 1, 10, -30, "2025-12-11")]
    [InlineData(1, 1, 1, -30, "0001-01-01")]
    [InlineData(9999, 12, 31, 28, "9999-12-31")]
    public void Date_arithmetic_saturates_at_the_calendar_edges(int y, int m, int d, int days, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), SafeDates.AddDays(new DateOnly(y, m, d), days));

    [Fact]
    public void A_product_NDC_matches_every_package_of_the_product()
    {
        var tki = CdsService.Policies.Besponsa.BesponsaValueSets.TyrosineKinaseInhibitors;

        Assert.True(tki.Contains(new Coding("http://hl7.org/fhir/sid/ndc", "63020-0533-30")));
        Assert.True(tki.Contains(new Coding("http://hl7.org/fhir/sid/ndc", "63020053330")));
        Assert.False(tki.Contains(new Coding("http://hl7.org/fhir/sid/ndc", "63020-0534-30")));
    }
}
