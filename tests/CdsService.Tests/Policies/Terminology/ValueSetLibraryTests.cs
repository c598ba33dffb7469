using CdsService.Policies.Besponsa;
using CdsService.Policies.Terminology;
using Hl7.Fhir.Model;

namespace CdsService.Tests.Policies.Terminology;

public sealed class ValueSetLibraryTests
{
    [Theory]
    [InlineData("not-json.json", "is not a valid FHIR R4 ValueSet")]
    [InlineData("not-a-valueset.json", "is not a valid FHIR R4 ValueSet")]
    [InlineData("empty.json", "lists no concept")]
    [InlineData("uncited.json", "cites no source")]
    [InlineData("unknown-system.json", "unknown code system")]
    [InlineData("filter-on-loinc.json", "filter other than")]
    public void A_bad_value_set_file_is_refused_with_a_message_naming_it(string file, string problem)
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Policies", "Terminology", "BadValueSets", file));

        var error = Assert.Throws<InvalidDataException>(() => ValueSetLibrary.Parse(file, json));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_shipped_value_set_loads_with_a_cited_source_on_each_include()
    {
        var all = BesponsaValueSets.Library.All;

        Assert.True(all.Count >= 30);
        Assert.All(all, set => Assert.All(set.Resource.Compose!.Include, include =>
            Assert.Contains(include.Extension, e => e.Url == ValueSetLibrary.SourceExtension)));
    }

    [Theory]
    [InlineData("http://hl7.org/fhir/sid/ndc", "0008-0100-01")]
    [InlineData("http://hl7.org/fhir/sid/ndc", "00008-0100-01")]
    [InlineData("http://hl7.org/fhir/sid/ndc", "00008010001")]
    [InlineData("http://hl7.org/fhir/sid/ndc", "0008010001")]
    [InlineData("http://www.whocc.no/atc", "L01FB01")]
    [InlineData("https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "J9229")]
    [InlineData("http://www.nlm.nih.gov/research/umls/rxnorm", "1942954")]
    public void Besponsa_is_recognised_by_every_listed_code(string system, string code) =>
        Assert.True(BesponsaValueSets.Besponsa.Contains(new Coding(system, code)));

    [Theory]
    [InlineData("http://www.whocc.no/atc", "L01EA05", true)] // ponatinib by class
    [InlineData("http://www.nlm.nih.gov/research/umls/rxnorm", "799830", true)] // Sprycel 100 mg tablet
    [InlineData("http://www.nlm.nih.gov/research/umls/rxnorm", "406060", true)] // Gleevec oral tablet
    [InlineData("http://www.nlm.nih.gov/research/umls/rxnorm", "662281", true)] // nilotinib
    [InlineData("http://www.nlm.nih.gov/research/umls/rxnorm", "1364352", true)] // Iclusig product
    [InlineData("http://www.whocc.no/atc", "L01XE01", false)]
    public void The_TKI_set_covers_products_and_classes(string system, string code, bool expected) =>
        Assert.Equal(expected, BesponsaValueSets.TyrosineKinaseInhibitors.Contains(new Coding(system, code)));

    [Theory]
    [InlineData("C95.00", false)]
    [InlineData("C91.90", false)]
    [InlineData("C96.9", false)]
    [InlineData("C92.00", true)]
    [InlineData("C91.10", true)]
    public void Unspecified_leukemia_codes_are_not_a_different_cancer(string icd10, bool other) =>
        Assert.Equal(other, BesponsaValueSets.HematologicMalignancy.Contains(new Coding(CodeSystems.Icd10Cm, icd10)));
}
