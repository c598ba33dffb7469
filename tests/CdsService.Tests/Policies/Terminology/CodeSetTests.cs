using CdsService.Policies.Terminology;
using Hl7.Fhir.Model;

namespace CdsService.Tests.Policies.Terminology;

public sealed class CodeSetTests
{
    private static readonly CodeSet Set = new CodeSet("test")
        .Add(CodeSystems.Icd10Cm, "C91.02", "K765")
        .AddPrefix(CodeSystems.Icd10Cm, "C910")
        .AddPrefix(CodeSystems.Atc, "L01EA")
        .Add(CodeSystems.Loinc, "21821-4")
        .Add(CodeSystems.Snomed, "277571004");

    [Theory]
    [InlineData("C91.02")]
    [InlineData("C9102")]
    [InlineData("c91.02")]
    [InlineData(" C91.02")] // a stray leading space seen in the corpus
    [InlineData("K76.5")] // listed without its dot, received with it
    [InlineData("K765")]
    public void Icd10_matches_with_or_without_the_dot(string code) =>
        Assert.True(Set.Contains(CodeSystems.Icd10Cm, code));

    [Theory]
    [InlineData(CodeSystems.Icd10Cm, "C91.00", true)]
    [InlineData(CodeSystems.Icd10Cm, "C9101", true)]
    [InlineData(CodeSystems.Icd10Cm, "C91.1", false)]
    [InlineData(CodeSystems.Icd10Cm, "C92.10", false)]
    [InlineData(CodeSystems.Atc, "L01EA02", true)]
    [InlineData(CodeSystems.Atc, "L01EA", true)]
    [InlineData(CodeSystems.Atc, "L01XX24", false)]
    [InlineData(CodeSystems.Snomed, "L01EA02", false)] // right prefix, wrong system
    public void Prefixes_match_codes_below_them_in_the_same_system(string system, string code, bool expected) =>
        Assert.Equal(expected, Set.Contains(system, code));

    [Theory]
    [InlineData(CodeSystems.Loinc, "218214")] // the dot rule is for ICD-10-CM only
    [InlineData(CodeSystems.Icd10Cm, "277571004")]
    [InlineData("http://snomed.info/sct/", "277571004")]
    public void Other_systems_match_exactly(string system, string code) =>
        Assert.False(Set.Contains(system, code));

    [Fact]
    public void Display_text_never_matches()
    {
        var coding = new Coding(CodeSystems.Snomed, "91857003", "B-cell acute lymphoblastic leukemia");

        Assert.False(Set.Contains(coding));
    }

    [Fact]
    public void A_coding_without_system_or_code_does_not_match()
    {
        Assert.False(Set.Contains((Coding?)null));
        Assert.False(Set.Contains(new Coding { Code = "277571004" }));
        Assert.False(Set.Contains(new Coding { System = CodeSystems.Snomed }));
    }

    [Fact]
    public void Any_coding_of_a_concept_is_enough()
    {
        var concept = new CodeableConcept
        {
            Coding = [new Coding(CodeSystems.Snomed, "91857003"), new Coding(CodeSystems.Icd10Cm, "C91.02")],
        };

        Assert.True(Set.ContainsAny(concept));
        Assert.False(Set.ContainsAny((CodeableConcept?)null));
        Assert.False(Set.ContainsAny(new CodeableConcept { Text = "B-ALL in relapse" }));
    }

    [Fact]
    public void A_union_matches_what_any_of_its_sets_matches_and_nothing_else()
    {
        var labs = new CodeSet("labs").Add(CodeSystems.Loinc, "1742-6");
        var drugs = new CodeSet("drugs").AddPrefix(CodeSystems.Atc, "L01XC");

        var union = CodeSet.Union("both", [labs, drugs]);

        Assert.True(union.Contains(CodeSystems.Loinc, " 1742-6 "));
        Assert.True(union.Contains(CodeSystems.Atc, "L01XC26"));
        Assert.False(union.Contains(CodeSystems.Loinc, "1920-8"));
        Assert.False(union.Contains(CodeSystems.Snomed, "1742-6"));
        Assert.False(labs.Contains(CodeSystems.Atc, "L01XC26"));
    }
}
