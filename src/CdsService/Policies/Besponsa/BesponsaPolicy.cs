using CdsService.PatientRecords;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace CdsService.Policies.Besponsa;

/// <summary>
/// The payer's Besponsa (inotuzumab ozogamicin) prior-approval policy, effective 2025-04-01
/// (../shared/seed/000_4ff17cfc3ccfabb8.txt). Initial approval lasts 3 months, renewal 6 months.
/// </summary>
internal sealed class BesponsaPolicy : IDrugPolicy
{
    public const string PolicyId = "besponsa";

    private readonly BesponsaOptions _options;

    public BesponsaPolicy(IOptions<BesponsaOptions> options, IOptions<PayerOptions> payer)
    {
        _options = options.Value;
        var canonical = $"{payer.Value.CanonicalBase.TrimEnd('/')}/Questionnaire/{BesponsaQuestionnaire.Id}";
        Info = new PolicyInfo(
            PolicyId,
            "Besponsa",
            "Besponsa (inotuzumab ozogamicin) prior approval",
            "Checks a signed Besponsa (inotuzumab ozogamicin) order against the payer's prior-approval policy: age, relapsed or "
            + "refractory CD22-positive B-cell precursor ALL, Ph+/TKI history for adults, liver-test and VOD monitoring, no alkylating "
            + "HSCT conditioning, and renewal conditions. Returns coverage information and what is still needed.",
            BesponsaQuestionnaire.Id,
            canonical);
        Questionnaire = BesponsaQuestionnaire.Create(canonical);
    }

    public PolicyInfo Info { get; }

    /// <summary>
    /// What discovery asks for and the loader fetches when absent. The <c>medications</c> key is not among them (no
    /// 2.0-conformant template can select it); a client that sends it anyway is still read.
    /// </summary>
    public IReadOnlyList<RecordSection> Sections { get; } = RequireQuerySubset(RecordSection.Requested);

    public Questionnaire Questionnaire { get; }

    public bool Covers(Resource order, MedicationIndex medications) => BesponsaValueSets.Besponsa.ContainsAny(OrderCodes(order, medications));

    public bool NeedsMedication(Resource order, MedicationIndex medications) =>
        order is MedicationRequest m && medications.Resolve(m.Medication, m.Contained).Unresolved is not null;

    public PolicyDecision Evaluate(Resource order, PatientRecord record, DateOnly today)
    {
        var orderDate = OrderDates.Authored(order) ?? today;
        var evidence = new Evidence(record, Attestations.From(record, Info.QuestionnaireCanonical), orderDate, order.Id, _options);

        // Renewal only when Besponsa was actually received (TherapyReceived): a stopped-before-dosing, proposed or
        // sibling order does not turn a first request into a renewal that would skip the Ph+/TKI rule.
        var kind = evidence.IsRenewal ? RequestKind.Renewal : RequestKind.Initial;
        CriterionResult[] criteria =
        [
            AgeCriterion.Evaluate(evidence),
            DiagnosisCriteria.BCellPrecursorAll(evidence),
            DiagnosisCriteria.RelapsedOrRefractory(evidence, kind),
            DiagnosisCriteria.Cd22Positive(evidence),
            PhTkiCriterion.Evaluate(evidence, kind),
            AttestationCriteria.LftMonitoring(evidence),
            AttestationCriteria.VodMonitoring(evidence),
            AttestationCriteria.NoAlkylatingConditioning(evidence),
            RenewalCriteria.NoProgression(evidence, kind),
            RenewalCriteria.NoUnacceptableToxicity(evidence, kind),
        ];
        var findings = BaselineLiverTests.Check(evidence, _options.BaselineLabWindowDays, Info.DrugName) is { } labs ? new[] { labs } : [];
        return DecisionBuilder.Build(Info, order, kind, kind == RequestKind.Renewal ? 6 : 3, criteria, findings, record);
    }

    // CDS Hooks 2.0: "valid prefetch templates MUST only make use of" reads, type searches, reference, token and date
    // parameters, _count and _sort. A template outside that subset stops start-up rather than reaching discovery.
    private static IReadOnlyList<RecordSection> RequireQuerySubset(IReadOnlyList<RecordSection> sections) =>
        sections.FirstOrDefault(s => !s.IsInQuerySubset) is { } bad
            ? throw new InvalidOperationException($"Prefetch template '{bad.Key}' ({bad.Template}) is outside the CDS Hooks 2.0 query subset.")
            : sections;

    /// <summary>Every coding that names what is ordered: medication[x] (inline, contained or referenced) or a ServiceRequest code.</summary>
    private static IEnumerable<Coding> OrderCodes(Resource order, MedicationIndex medications) => order switch
    {
        MedicationRequest m => medications.Resolve(m.Medication, m.Contained).Codes,
        ServiceRequest s => s.Code?.Coding ?? [],
        _ => [],
    };
}
