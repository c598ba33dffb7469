using CdsService.Policies;
using CdsService.Policies.Besponsa;
using Hl7.Fhir.Model;
using static CdsService.Policies.Besponsa.BesponsaQuestionnaire;
using static CdsService.Tests.Policies.Concepts;

namespace CdsService.Tests.Policies.Besponsa;

public sealed class RenewalCriteriaTests
{
    private const string DiseaseStatus = "97509-4";
    private const string Worsened = "271299001";
    private const string Improved = "268910001";

    [Fact]
    public void Initial_requests_skip_both_renewal_criteria()
    {
        var evidence = new TestRecord().Adult().OnBesponsa().Result(Loinc(DiseaseStatus), Snomed(Worsened)).Condition(Icd10("K76.5")).Evidence();

        Assert.Equal(CriterionStatus.NotApplicable, RenewalCriteria.NoProgression(evidence, RequestKind.Initial).Status);
        Assert.Equal(CriterionStatus.NotApplicable, RenewalCriteria.NoUnacceptableToxicity(evidence, RequestKind.Initial).Status);
    }

    [Fact]
    public void Progression_makes_the_renewal_not_approvable()
    {
        var evidence = new TestRecord().Adult().OnBesponsa().Result(Loinc(DiseaseStatus), Snomed(Worsened)).Evidence();

        var result = RenewalCriteria.NoProgression(evidence, RequestKind.Renewal);

        Assert.Equal(CriterionStatus.NotMet, result.Status);
        Assert.Equal(Consequence.HardStop, result.WhenNotMet);
        Assert.Equal(["Observation/obs-2"], result.References);
    }

    [Theory]
    [InlineData(Worsened, Improved, "met")]
    [InlineData(Improved, Worsened, "not-met")]
    public void The_latest_disease_status_counts(string earlier, string later, string expected)
    {
        var evidence = new TestRecord().Adult().OnBesponsa()
            .Result(Loinc(DiseaseStatus), Snomed(later), "2026-11-24")
            .Result(Loinc(DiseaseStatus), Snomed(earlier), "2026-10-02")
            .Evidence();

        Assert.Equal(expected, CriterionResult.Literal(RenewalCriteria.NoProgression(evidence, RequestKind.Renewal).Status));
    }

    [Theory]
    [InlineData(Improved)]
    [InlineData("359746009")] // stable
    [InlineData("260415000")] // not detected
    [InlineData("550991000124107")] // full remission
    [InlineData("551001000124108")] // partial remission
    public void Statuses_without_progression_meet_the_criterion(string status)
    {
        var evidence = new TestRecord().Adult().OnBesponsa().Result(Loinc(DiseaseStatus), Snomed(status)).Evidence();

        Assert.Equal(CriterionStatus.Met, RenewalCriteria.NoProgression(evidence, RequestKind.Renewal).Status);
    }

    [Theory]
    [InlineData(true, "not-met")]
    [InlineData(false, "met")]
    [InlineData(null, "unknown")]
    public void Without_a_decisive_status_the_prescriber_answers(bool? progressed, string expected)
    {
        // 709137006 "undetermined" says neither progression nor its absence.
        var record = new TestRecord().Adult().OnBesponsa().Result(Loinc(DiseaseStatus), Snomed("709137006"));
        if (progressed is { } answer)
        {
            record.Answer(Items.DiseaseProgression, answer);
        }

        var result = RenewalCriteria.NoProgression(record.Evidence(), RequestKind.Renewal);

        Assert.Equal(expected, CriterionResult.Literal(result.Status));
        Assert.True(result.Status != CriterionStatus.NotMet || result.WhenNotMet == Consequence.HardStop);
    }

    [Theory]
    [InlineData("http://hl7.org/fhir/sid/icd-10-cm", "K76.5")]
    [InlineData("http://snomed.info/sct", "65617004")]
    public void Hepatic_VOD_means_permanent_discontinuation(string system, string code)
    {
        var evidence = new TestRecord().Child().OnBesponsa().Condition(new CodeableConcept(system, code), onset: "2026-10-15").Answer(Items.UnacceptableToxicity, false).Evidence();

        var result = RenewalCriteria.NoUnacceptableToxicity(evidence, RequestKind.Renewal);

        Assert.Equal(CriterionStatus.NotMet, result.Status);
        Assert.Equal(Consequence.HardStop, result.WhenNotMet);
        Assert.Equal(GuidanceTopic.Contraindication, result.Topic);
    }

    [Fact]
    public void A_refuted_VOD_is_no_VOD()
    {
        var evidence = new TestRecord().Adult().OnBesponsa().Condition(Icd10("K76.5"), verificationStatus: "refuted").Answer(Items.UnacceptableToxicity, false).Evidence();

        Assert.Equal(CriterionStatus.Met, RenewalCriteria.NoUnacceptableToxicity(evidence, RequestKind.Renewal).Status);
    }

    [Fact]
    public void Besponsa_stopped_for_an_adverse_reaction_is_unacceptable_toxicity()
    {
        var evidence = new TestRecord().Adult().OnBesponsa()
            .Took(BesponsaVial, MedicationStatement.MedicationStatusCodes.Stopped, Snomed("281647001"))
            .Evidence();

        Assert.Equal(CriterionStatus.NotMet, RenewalCriteria.NoUnacceptableToxicity(evidence, RequestKind.Renewal).Status);
    }

    [Fact]
    public void Another_drug_stopped_for_an_adverse_reaction_is_not()
    {
        var evidence = new TestRecord().Adult().OnBesponsa()
            .Took(Vincristine, MedicationStatement.MedicationStatusCodes.Stopped, Snomed("281647001"))
            .Answer(Items.UnacceptableToxicity, false)
            .Evidence();

        Assert.Equal(CriterionStatus.Met, RenewalCriteria.NoUnacceptableToxicity(evidence, RequestKind.Renewal).Status);
    }

    [Theory]
    [InlineData(true, "not-met")]
    [InlineData(false, "met")]
    [InlineData(null, "unknown")]
    public void Otherwise_toxicity_is_attested(bool? toxicity, string expected)
    {
        var record = new TestRecord().Adult().OnBesponsa();
        if (toxicity is { } answer)
        {
            record.Answer(Items.UnacceptableToxicity, answer);
        }

        var result = RenewalCriteria.NoUnacceptableToxicity(record.Evidence(), RequestKind.Renewal);

        Assert.Equal(expected, CriterionResult.Literal(result.Status));
        Assert.Equal(result.Status == CriterionStatus.Unknown, result.Kind == EvidenceKind.Attestation);
    }
}
