using CdsService.PatientRecords;
using CdsService.Policies.Terminology;
using Hl7.Fhir.Model;

namespace CdsService.Policies.Besponsa;

/// <summary>What the record shows of one group of drugs: given, ordered without proof of use, and unidentifiable entries.</summary>
internal sealed record Therapy(IReadOnlyList<MedicationUse> Received, IReadOnlyList<MedicationUse> Uncertain, IReadOnlyList<MedicationUse> Unidentified)
{
    public bool Any => Received.Count > 0;

    /// <summary>"could not identify Medication/x" items for every entry the policy could not classify.</summary>
    public IEnumerable<EvidenceItem> UnidentifiedItems => Unidentified.Select(u => new EvidenceItem($"could not identify {Label(u)}", [u.Reference]));

    /// <summary>Why the drug cannot be shown absent: an order without proof of use, or an unidentifiable entry.</summary>
    public string? Doubt(string drugs) => (Uncertain.Count, Unidentified.Count) switch
    {
        (0, 0) => null,
        (> 0, 0) => $"{drugs} ordered, but no administration or statement shows it was given",
        (0, > 0) => $"could not identify {string.Join(", ", Unidentified.Select(Label))}; it may be {drugs}",
        _ => $"{drugs} ordered without proof of use, and could not identify {string.Join(", ", Unidentified.Select(Label))}",
    };

    // Which record holds the unknown drug, as a clinician would find it (type and date; ids stay in the references).
    private static string Label(MedicationUse use)
    {
        var record = $"the {Records.GetValueOrDefault(use.Source.TypeName, use.Source.TypeName)}{(use.Date is { } d ? $" of {d:yyyy-MM-dd}" : "")}";
        return use.UnresolvedMedication is { } reference && reference.StartsWith("Medication/", StringComparison.Ordinal)
            ? $"the medication {record} refers to (not in the record)"
            : $"the medication of {record}{(use.UnresolvedMedication is null ? " (coded only in an unrecognised system)" : "")}";
    }

    private static readonly Dictionary<string, string> Records = new(StringComparer.Ordinal)
    {
        ["MedicationRequest"] = "medication order",
        ["MedicationStatement"] = "medication statement",
        ["MedicationAdministration"] = "medication administration",
    };
}

/// <summary>Record queries shared by the Besponsa criteria.</summary>
internal sealed class Evidence
{
    private readonly Dictionary<CodeSet, Therapy> _therapies = [];

    public Evidence(PatientRecord record, Attestations attestations, DateOnly orderDate, string? orderId = null, BesponsaOptions? options = null)
    {
        Options = options ?? new BesponsaOptions();
        Record = record;
        Attestations = attestations;
        OrderDate = orderDate;
        OrderId = orderId;
        AllDiagnoses = [.. record.Conditions.Where(IsConfirmed).Where(c => BesponsaValueSets.AcuteLymphoblasticLeukemia.ContainsAny(c.Code))];
        Unidentified = [.. record.Medications.Where(m => !IsOrderItself(m) && TherapyReceived.Of(m, record) != Receipt.NotReceived && !IsClassifiable(m))];
        // A dose is dated by the administration or statement that records it; a completed order's authoredOn precedes
        // the first dose (often by weeks), so it dates treatment only when nothing else does.
        var besponsa = Therapy(BesponsaValueSets.Besponsa).Received;
        FirstBesponsaDose = besponsa.Where(m => m.Source is not MedicationRequest).Select(m => m.Date).Min()
            ?? besponsa.Select(m => m.Date).Min();
    }

    public PatientRecord Record { get; }

    public BesponsaOptions Options { get; }

    public Attestations Attestations { get; }

    public DateOnly OrderDate { get; }

    /// <summary>The id of the order being evaluated, which is never its own history.</summary>
    public string? OrderId { get; }

    /// <summary>Confirmed ALL diagnoses (not provisional, differential, unconfirmed, refuted or entered in error).</summary>
    public IReadOnlyList<Condition> AllDiagnoses { get; }

    /// <summary>History entries whose drug could not be identified (unresolved reference, or only unknown code systems).</summary>
    public IReadOnlyList<MedicationUse> Unidentified { get; }

    /// <summary>
    /// The first Besponsa dose actually received: the earliest dated administration or statement of use, else the
    /// earliest completed order.
    /// </summary>
    public DateTimeOffset? FirstBesponsaDose { get; }

    public bool IsRenewal => Therapy(BesponsaValueSets.Besponsa).Any;

    public IEnumerable<Condition> AssertedConditions => Record.Conditions.Where(IsConfirmed);

    /// <summary>The drugs of a set by what the record shows was given (see <see cref="TherapyReceived"/>); computed once per set.</summary>
    public Therapy Therapy(CodeSet drugs)
    {
        if (_therapies.TryGetValue(drugs, out var known))
        {
            return known;
        }

        var therapy = Classify(drugs);
        _therapies[drugs] = therapy;
        return therapy;
    }

    /// <summary>Recorded hepatic VOD, shown as a risk factor with the VOD-monitoring attestation.</summary>
    public IEnumerable<EvidenceItem> VodRiskFactors => AssertedConditions
        .Where(c => BesponsaValueSets.HepaticVod.ContainsAny(c.Code))
        .Select(c => Describe.Condition(c) with { Description = $"VOD risk factor: prior {Describe.Condition(c).Description}" });

    private Therapy Classify(CodeSet drugs)
    {
        var matching = Record.Medications.Where(m => !IsOrderItself(m) && drugs.ContainsAny(m.Codes)).ToList();
        return new Therapy(
            [.. matching.Where(m => TherapyReceived.Of(m, Record) == Receipt.Received)],
            [.. matching.Where(m => TherapyReceived.Of(m, Record) == Receipt.Uncertain)],
            Unidentified);
    }

    public IEnumerable<Observation> Results(CodeSet codes) =>
        Record.Observations.Where(o => o.Status is not (ObservationStatus.EnteredInError or ObservationStatus.Cancelled) && codes.ContainsAny(o.Code));

    public static string Ref(Resource resource) => Describe.Ref(resource);

    /// <summary>The prescriber's questionnaire as evidence, saying which answer it contributes.</summary>
    public EvidenceItem Attested(string what) => Describe.Attestation(Attestations, what);

    /// <summary>
    /// A renewal answer counts only when the questionnaire was signed on or after the first Besponsa dose: an answer
    /// about the course of treatment given before treatment began says nothing about it.
    /// </summary>
    public bool? RenewalAnswer(string item) =>
        FirstBesponsaDose is { } first && Attestations.Authored is { } signed && signed >= first ? Attestations.Boolean(item) : null;

    /// <summary>True when the questionnaire holds a renewal answer that was signed before the first dose.</summary>
    public bool RenewalAnswerPredatesTherapy(string item) =>
        Attestations.Boolean(item) is not null && RenewalAnswer(item) is null;

    private bool IsOrderItself(MedicationUse use) => use.Source is MedicationRequest && use.Source.Id == OrderId;

    private static bool IsClassifiable(MedicationUse use) =>
        use.UnresolvedMedication is null && use.Codes.Any(c => c.System is { } s && CodeSystems.Medication.Contains(s) && !string.IsNullOrWhiteSpace(c.Code));

    // Provisional and differential diagnoses (and their parent, unconfirmed) are hypotheses, not evidence.
    private static bool IsConfirmed(Condition condition) =>
        !condition.VerificationStatus.HasCode(CodeSystems.ConditionVerification, "refuted", "entered-in-error", "unconfirmed", "provisional", "differential");
}

internal static class ConceptExtensions
{
    public static bool HasCode(this CodeableConcept? concept, string system, params string[] codes) =>
        concept?.Coding.Any(c => c.System == system && codes.Contains(c.Code)) ?? false;
}
