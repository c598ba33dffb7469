using CdsService.Policies;
using CdsService.Policies.Besponsa;
using static CdsService.Policies.Besponsa.BesponsaQuestionnaire;
using static CdsService.Tests.Policies.Concepts;

namespace CdsService.Tests.Policies.Besponsa;

/// <summary>Renewal facts are judged from the first Besponsa dose; refractory disease needs a completed induction.</summary>
public sealed class TimingTests
{
    private const string DiseaseStatus = "97509-4";

    [Theory]
    [InlineData("2026-08-15", "met")] // worsened before the first dose (2026-09-01) says nothing about Besponsa
    [InlineData("2026-10-15", "not-met")]
    public void Progression_counts_only_on_treatment(string worsenedOn, string expected)
    {
        var evidence = new TestRecord().Adult().OnBesponsa()
            .Result(Loinc(DiseaseStatus), Snomed("271299001"), worsenedOn)
            .Answer(Items.DiseaseProgression, false)
            .Evidence();

        Assert.Equal(expected, CriterionResult.Literal(RenewalCriteria.NoProgression(evidence, RequestKind.Renewal).Status));
    }

    [Theory]
    [InlineData("2019-04-02", "met")] // VOD after a 2019 transplant: a risk factor, shown, not a hard stop
    [InlineData("2026-10-15", "not-met")]
    public void VOD_is_a_hard_stop_only_on_treatment(string onset, string expected)
    {
        var evidence = new TestRecord().Adult().OnBesponsa()
            .Condition(Icd10("K76.5"), "resolved", onset: onset)
            .Answer(Items.UnacceptableToxicity, false)
            .Evidence();

        var result = RenewalCriteria.NoUnacceptableToxicity(evidence, RequestKind.Renewal);

        Assert.Equal(expected, CriterionResult.Literal(result.Status));
        Assert.Contains(result.References, r => r == "Condition/cond-2");
    }

    [Fact]
    public void An_attestation_signed_before_the_first_dose_does_not_count()
    {
        // TestRecord signs its questionnaire on 2026-11-27; the first dose here is later.
        var evidence = new TestRecord().Adult().OnBesponsa("2026-11-27T12:00:00Z").Answer(Items.DiseaseProgression, false).Evidence();

        var result = RenewalCriteria.NoProgression(evidence, RequestKind.Renewal);

        Assert.Equal(CriterionStatus.Unknown, result.Status);
        Assert.Contains("before the first Besponsa dose", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_responder_in_remission_still_has_the_indication_on_renewal()
    {
        var evidence = new TestRecord().Adult().OnBesponsa().Condition(Icd10("C91.01"), "remission").Evidence();

        Assert.Equal(CriterionStatus.Met, DiagnosisCriteria.RelapsedOrRefractory(evidence, RequestKind.Renewal).Status);
        Assert.Equal(CriterionStatus.NotMet, DiagnosisCriteria.RelapsedOrRefractory(evidence, RequestKind.Initial).Status);
    }

    [Theory]
    [InlineData("2026-11-15", "unknown")] // day 13 of induction
    [InlineData("2026-08-01", "met")]
    public void Refractory_needs_a_completed_multi_agent_induction(string started, string expected)
    {
        var evidence = new TestRecord().Condition(Icd10("C91.00"), onset: "2026-07-20")
            .Administered(Vincristine, started).Administered(RxNorm("3639"), started)
            .Evidence();

        Assert.Equal(expected, CriterionResult.Literal(DiagnosisCriteria.RelapsedOrRefractory(evidence).Status));
    }

    [Fact]
    public void A_steroid_with_one_old_agent_before_the_diagnosis_is_not_induction()
    {
        var evidence = new TestRecord().Condition(Icd10("C91.00"), onset: "2026-07-20")
            .Took(RxNorm("6851"), start: "2012-03-01")
            .Administered(RxNorm("8640"), "2026-08-01")
            .Evidence();

        Assert.Equal(CriterionStatus.Unknown, DiagnosisCriteria.RelapsedOrRefractory(evidence).Status);
    }

    [Fact]
    public void A_provisional_diagnosis_is_not_evidence()
    {
        var evidence = new TestRecord().Condition(BCellAll, "relapse", verificationStatus: "provisional").Evidence();

        Assert.Equal(CriterionStatus.Unknown, DiagnosisCriteria.BCellPrecursorAll(evidence).Status);
    }
}
