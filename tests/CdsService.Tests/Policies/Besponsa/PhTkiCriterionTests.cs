using CdsService.Policies;
using CdsService.Policies.Besponsa;
using CdsService.Policies.Terminology;
using Hl7.Fhir.Model;
using static CdsService.Policies.Besponsa.BesponsaQuestionnaire;
using static CdsService.Tests.Policies.Concepts;

namespace CdsService.Tests.Policies.Besponsa;

public sealed class PhTkiCriterionTests
{
    [Theory]
    [InlineData("fusion transcript presence, SNOMED Positive", true)]
    [InlineData("p190 presence, LOINC answer Positive", true)]
    [InlineData("presence with interpretation POS only", true)]
    [InlineData("presence, SNOMED Negative", false)]
    [InlineData("presence, LOINC answer Negative", false)]
    [InlineData("p190 ratio above zero", true)]
    [InlineData("p190 ratio of zero", null)] // a molecular response on therapy, not Ph-negative disease
    [InlineData("mCODE BCR::ABL1 fusion Present", true)]
    [InlineData("mCODE fusion of other genes Present", null)]
    [InlineData("ICD-O-3 9812/3 morphology", true)]
    [InlineData("prescriber answers Ph-positive", true)]
    [InlineData("prescriber answers Ph-negative", false)]
    [InlineData("negative at diagnosis, positive at relapse", true)]
    [InlineData("positive result, prescriber answers Ph-negative", true)]
    [InlineData("Sandbox's invalid LOINC 21822-4, Positive", null)]
    [InlineData("positive result entered in error", null)]
    [InlineData("nothing", null)]
    public void Ph_status_sources(string source, bool? positive)
    {
        var (status, evidence) = PhTkiCriterion.PhStatus(RecordWith(source).Evidence());

        Assert.Equal(positive, status);
        Assert.Equal(positive is null, evidence.Count == 0);
    }

    [Fact]
    public void Renewals_do_not_ask_for_TKI_history()
    {
        var evidence = new TestRecord().Adult().Result(Loinc("21821-4"), Positive).Evidence();

        Assert.Equal(CriterionStatus.NotApplicable, PhTkiCriterion.Evaluate(evidence, RequestKind.Renewal).Status);
    }

    [Fact]
    public void Ph_positive_children_are_exempt()
    {
        var evidence = new TestRecord().Child().Result(Loinc("21821-4"), Positive).Evidence();

        Assert.Equal(CriterionStatus.NotApplicable, PhTkiCriterion.Evaluate(evidence, RequestKind.Initial).Status);
    }

    [Fact]
    public void Ph_negative_adults_are_exempt()
    {
        var evidence = new TestRecord().Adult().Result(Loinc("21821-4"), Negative).Evidence();

        Assert.Equal(CriterionStatus.NotApplicable, PhTkiCriterion.Evaluate(evidence, RequestKind.Initial).Status);
    }

    [Fact]
    public void Unknown_age_leaves_it_unknown_whether_the_rule_applies()
    {
        var evidence = new TestRecord().BornOn(null).Result(Loinc("21821-4"), Positive).Evidence();

        Assert.Equal(CriterionStatus.Unknown, PhTkiCriterion.Evaluate(evidence, RequestKind.Initial).Status);
    }

    [Fact]
    public void Unknown_Ph_status_of_an_adult_asks_for_documentation()
    {
        var result = PhTkiCriterion.Evaluate(new TestRecord().Adult().Evidence(), RequestKind.Initial);

        Assert.Equal(CriterionStatus.Unknown, result.Status);
        Assert.Equal(EvidenceKind.ClinicalRecord, result.Kind);
    }

    [Theory]
    [InlineData(true, true, "met")]
    [InlineData(false, true, "not-met")]
    [InlineData(true, false, "not-met")]
    [InlineData(false, false, "not-met")]
    public void Ph_positive_adults_need_a_TKI_and_chemotherapy(bool tki, bool chemotherapy, string expected)
    {
        var record = new TestRecord().Adult().Result(Loinc("52132-8"), new Quantity(42.7m, "%"));
        if (tki)
        {
            record.Took(DasatinibAtc, statusReason: Snomed("58848006"));
        }

        if (chemotherapy)
        {
            record.Administered(Vincristine);
        }

        var result = PhTkiCriterion.Evaluate(record.Evidence(), RequestKind.Initial);

        Assert.Equal(expected, CriterionResult.Literal(result.Status));
        if (result.Status == CriterionStatus.NotMet)
        {
            Assert.Equal(GuidanceTopic.TherapyAlternativesRequired, result.Topic);
            Assert.Equal(Consequence.Requirement, result.WhenNotMet);
        }
    }

    [Fact]
    public void The_prescriber_may_attest_failed_TKI_and_chemotherapy_given_elsewhere()
    {
        var evidence = new TestRecord().Adult()
            .Answer(Items.PhPositive, true).Answer(Items.TkiFailed, true).Answer(Items.ChemotherapyFailed, true)
            .Evidence();

        var result = PhTkiCriterion.Evaluate(evidence, RequestKind.Initial);

        Assert.Equal(CriterionStatus.Met, result.Status);
        Assert.Contains("QuestionnaireResponse/qr-1", result.References);
    }

    [Fact]
    public void A_TKI_record_entered_in_error_is_no_TKI()
    {
        var evidence = new TestRecord().Adult()
            .Result(Loinc("21821-4"), Positive)
            .Ordered(Imatinib, MedicationRequest.MedicationrequestStatus.EnteredInError)
            .Administered(Vincristine)
            .Evidence();

        Assert.Equal(CriterionStatus.NotMet, PhTkiCriterion.Evaluate(evidence, RequestKind.Initial).Status);
    }

    private static TestRecord RecordWith(string source)
    {
        var record = new TestRecord().Adult();
        return source switch
        {
            "fusion transcript presence, SNOMED Positive" => record.Result(Loinc("21821-4"), Positive),
            "p190 presence, LOINC answer Positive" => record.Result(Loinc("21823-0"), Loinc("LA6576-8")),
            "presence with interpretation POS only" => record.Result(Loinc("21822-2"), new FhirString("detected"),
                interpretation: new CodeableConcept(CodeSystems.Interpretation, "POS")),
            "presence, SNOMED Negative" => record.Result(Loinc("21821-4"), Negative),
            "presence, LOINC answer Negative" => record.Result(Loinc("42714-6"), Loinc("LA6577-6")),
            "p190 ratio above zero" => record.Result(Loinc("52132-8"), new Quantity(0.04m, "%")),
            "p190 ratio of zero" => record.Result(Loinc("52132-8"), new Quantity(0m, "%")),
            "mCODE BCR::ABL1 fusion Present" => record.Result(Loinc("69548-6"), Loinc("LA9633-4"), components: Genes("HGNC:1014", "HGNC:76")),
            "mCODE fusion of other genes Present" => record.Result(Loinc("69548-6"), Loinc("LA9633-4"), components: Genes("HGNC:3495", "HGNC:10471")),
            "ICD-O-3 9812/3 morphology" => record.Condition(AllAnyLineage, morphology: IcdO3("9812/3")),
            "prescriber answers Ph-positive" => record.Answer(Items.PhPositive, true),
            "prescriber answers Ph-negative" => record.Answer(Items.PhPositive, false),
            "negative at diagnosis, positive at relapse" => record
                .Result(Loinc("21821-4"), Negative, "2025-01-09")
                .Result(Loinc("52132-8"), new Quantity(12.5m, "%"), "2026-11-02"),
            "positive result, prescriber answers Ph-negative" => record.Result(Loinc("21821-4"), Positive).Answer(Items.PhPositive, false),
            "Sandbox's invalid LOINC 21822-4, Positive" => record.Result(Loinc("21822-4"), Positive),
            "positive result entered in error" => record.Result(Loinc("21821-4"), Positive, status: ObservationStatus.EnteredInError),
            "nothing" => record,
            _ => throw new ArgumentOutOfRangeException(nameof(source), source, "no such case"),
        };
    }

    private static IEnumerable<Observation.ComponentComponent> Genes(params string[] hgnc) => hgnc.Select(id => new Observation.ComponentComponent
    {
        Code = Loinc("48018-6"),
        Value = new CodeableConcept(CodeSystems.Hgnc, id),
    });
}
