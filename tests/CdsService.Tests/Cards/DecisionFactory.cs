using CdsService.Cards;
using CdsService.CdsHooks;
using CdsService.PatientRecords;
using CdsService.Policies;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace CdsService.Tests.Cards;

/// <summary>Small policy decisions for rendering tests, built through the real DecisionBuilder.</summary>
internal static class DecisionFactory
{
    public static readonly PolicyInfo Policy = new("testdrug", "Testdrug", "Testdrug prior approval", "Test policy.", "testdrug-pa", "http://payer.example.org/fhir/Questionnaire/testdrug-pa");

    public static MedicationRequest Order() => new()
    {
        Id = "mr-1",
        Status = MedicationRequest.MedicationrequestStatus.Draft,
        Intent = MedicationRequest.MedicationRequestIntent.Order,
        Medication = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "1942959"),
        Subject = new ResourceReference("Patient/p1"),
        Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/medicationrequest-category", "outpatient")],
        Note = [new Annotation { Text = new Markdown("keep me") }],
    };

    public static PolicyDecision Decide(IReadOnlyList<CriterionResult> criteria, bool withCoverage = true, IEnumerable<string>? unavailable = null)
    {
        var record = new PatientRecord
        {
            PatientId = "p1",
            Coverages = withCoverage ? [new Coverage { Id = "cov-1", Status = FinancialResourceStatusCodes.Active, Beneficiary = new ResourceReference("Patient/p1") }] : [],
            Unavailable = (unavailable ?? []).ToHashSet(),
        };
        return DecisionBuilder.Build(Policy, Order(), RequestKind.Initial, 3, criteria, [], record);
    }

    public static CriterionResult Met(string id) => new(id, id, CriterionStatus.Met, "documented", [new EvidenceItem("Patient aged 46 on the order date", ["Patient/p1"])]);

    public static CriterionResult HardStop(string id) =>
        new(id, id, CriterionStatus.NotMet, "outside the label", [], WhenNotMet: Consequence.HardStop, Topic: GuidanceTopic.Contraindication);

    public static CriterionResult Unknown(string id, EvidenceKind kind = EvidenceKind.ClinicalRecord) =>
        new(id, id, CriterionStatus.Unknown, "not documented", [], kind);

    /// <summary>Where the service is published in rendering tests.</summary>
    public static readonly CdsCall Call = new(new Uri("https://cds.example.org/"));

    public static CardRenderer Renderer() => new(Options.Create(new PayerOptions { Name = "Example Health Plan" }), TimeProvider.System, Options.Create(new CdsService.Attestation.Smart.SmartOptions()));

    /// <summary>An order-sign call from Practitioner/prac-1 about patient p1, with nothing else.</summary>
    public static HookRequest HookRequest() => new(
        "order-sign",
        "hook-1",
        null,
        null,
        new HookContext(new Dictionary<string, string> { ["patientId"] = "p1", ["userId"] = "Practitioner/prac-1" }, new Dictionary<string, Resource>()),
        new Dictionary<string, PrefetchValue>(),
        []);
}
