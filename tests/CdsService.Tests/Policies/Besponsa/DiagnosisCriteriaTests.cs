using CdsService.Policies;
using CdsService.Policies.Besponsa;
using static CdsService.Tests.Policies.Concepts;

namespace CdsService.Tests.Policies.Besponsa;

public sealed class DiagnosisCriteriaTests
{
    private const string ChronicMyeloidLeukemia = "92818009";

    [Fact]
    public void B_cell_ALL_by_SNOMED_is_B_precursor_ALL()
    {
        var result = DiagnosisCriteria.BCellPrecursorAll(new TestRecord().Condition(BCellAll).Evidence());

        Assert.Equal(CriterionStatus.Met, result.Status);
        Assert.Equal(["Condition/cond-1"], result.References);
    }

    [Theory]
    [InlineData("9811/3")]
    [InlineData("9812/3")]
    public void ALL_with_B_lymphoblastic_morphology_is_B_precursor_ALL(string icdO3)
    {
        var evidence = new TestRecord().Condition(Icd10("C91.00"), morphology: IcdO3(icdO3)).Evidence();

        Assert.Equal(CriterionStatus.Met, DiagnosisCriteria.BCellPrecursorAll(evidence).Status);
    }

    [Theory]
    [InlineData(true, "met")]
    [InlineData(false, "not-met")]
    [InlineData(null, "unknown")]
    public void ALL_of_unstated_lineage_rests_on_the_prescribers_answer(bool? bPrecursor, string expected)
    {
        var record = new TestRecord().Condition(Icd10("C91.02"));
        if (bPrecursor is { } answer)
        {
            record.Answer(BesponsaQuestionnaire.Items.BPrecursor, answer);
        }

        var result = DiagnosisCriteria.BCellPrecursorAll(record.Evidence());

        Assert.Equal(expected, CriterionResult.Literal(result.Status));
        Assert.True(result.Status != CriterionStatus.NotMet || result.WhenNotMet == Consequence.HardStop);
    }

    [Theory]
    [InlineData("C92.10")]
    [InlineData("C83.50")]
    [InlineData("C91.10")]
    public void Another_blood_cancer_and_no_ALL_is_a_hard_stop(string icd10)
    {
        var evidence = new TestRecord().Condition(Icd10(icd10)).Evidence();

        var result = DiagnosisCriteria.BCellPrecursorAll(evidence);

        Assert.Equal(CriterionStatus.NotMet, result.Status);
        Assert.Equal(Consequence.HardStop, result.WhenNotMet);
    }

    [Fact]
    public void Unrelated_conditions_without_ALL_leave_the_diagnosis_unknown_not_refused()
    {
        var evidence = new TestRecord().Condition(Icd10("I10")).Condition(Snomed(ChronicMyeloidLeukemia)).Evidence();

        Assert.Equal(CriterionStatus.Unknown, DiagnosisCriteria.BCellPrecursorAll(evidence).Status);
    }

    [Fact]
    public void Another_blood_cancer_on_an_incomplete_record_leaves_the_diagnosis_unknown()
    {
        var evidence = new TestRecord().Condition(Icd10("C92.10")).Unavailable("observations").Evidence();

        Assert.Equal(CriterionStatus.Unknown, DiagnosisCriteria.BCellPrecursorAll(evidence).Status);
    }

    [Theory]
    [InlineData("refuted")]
    [InlineData("entered-in-error")]
    public void A_refuted_diagnosis_is_no_diagnosis(string verification)
    {
        var evidence = new TestRecord().Condition(BCellAll, verificationStatus: verification).Evidence();

        Assert.Equal(CriterionStatus.Unknown, DiagnosisCriteria.BCellPrecursorAll(evidence).Status);
        Assert.Equal(CriterionStatus.Unknown, DiagnosisCriteria.RelapsedOrRefractory(evidence).Status);
    }

    [Theory]
    [InlineData("C91.02", "active", "met")]
    [InlineData("C9102", "active", "met")]
    [InlineData("C91.01", "remission", "not-met")]
    [InlineData("C91.00", "active", "unknown")] // not in remission, but no failed therapy on record
    [InlineData("C91.0", "relapse", "met")]
    [InlineData("C91.0", "recurrence", "met")]
    [InlineData("C91.0", "active", "unknown")]
    public void Relapse_and_remission_come_from_ICD_10_and_clinical_status(string icd10, string clinicalStatus, string expected)
    {
        var evidence = new TestRecord().Condition(Icd10(icd10), clinicalStatus).Evidence();

        Assert.Equal(expected, CriterionResult.Literal(DiagnosisCriteria.RelapsedOrRefractory(evidence).Status));
    }

    [Fact]
    public void Not_in_remission_after_chemotherapy_is_refractory()
    {
        var evidence = new TestRecord().Condition(Icd10("C91.00"), onset: "2026-06-01")
            .Ordered(Vincristine, id: "mr-induction", authored: "2026-06-05")
            .Administered(RxNorm("8640"), "2026-06-05")
            .Evidence();

        var result = DiagnosisCriteria.RelapsedOrRefractory(evidence);

        Assert.Equal(CriterionStatus.Met, result.Status);
        Assert.Contains("MedicationRequest/mr-induction", result.References);
    }

    [Fact]
    public void Chemotherapy_that_never_happened_does_not_make_it_refractory()
    {
        var evidence = new TestRecord()
            .Condition(Icd10("C91.00"))
            .Ordered(Vincristine, Hl7.Fhir.Model.MedicationRequest.MedicationrequestStatus.Cancelled)
            .Evidence();

        Assert.Equal(CriterionStatus.Unknown, DiagnosisCriteria.RelapsedOrRefractory(evidence).Status);
    }

    [Fact]
    public void Relapse_status_of_a_non_ALL_leukemia_is_unknown()
    {
        var evidence = new TestRecord().Condition(Snomed(ChronicMyeloidLeukemia), "relapse").Evidence();

        Assert.Equal(CriterionStatus.Unknown, DiagnosisCriteria.RelapsedOrRefractory(evidence).Status);
    }

    [Theory]
    [InlineData(true, "met")]
    [InlineData(false, "not-met")]
    [InlineData(null, "unknown")]
    public void CD22_positivity_is_attested(bool? cd22, string expected)
    {
        var record = new TestRecord().Condition(BCellAll);
        if (cd22 is { } answer)
        {
            record.Answer(BesponsaQuestionnaire.Items.Cd22Positive, answer);
        }

        var result = DiagnosisCriteria.Cd22Positive(record.Evidence());

        Assert.Equal(expected, CriterionResult.Literal(result.Status));
        Assert.Equal(EvidenceKind.Attestation, result.Kind);
        Assert.True(result.Status != CriterionStatus.NotMet || result.WhenNotMet == Consequence.HardStop);
    }
}
