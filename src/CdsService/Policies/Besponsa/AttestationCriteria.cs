using static CdsService.Policies.Besponsa.BesponsaQuestionnaire;

namespace CdsService.Policies.Besponsa;

/// <summary>The three "prescriber agrees to…" requirements, satisfied only by the prescriber's attestation.</summary>
internal static class AttestationCriteria
{
    public const string LftId = "lft-monitoring";
    public const string VodId = "vod-monitoring";
    public const string ConditioningId = "no-alkylating-conditioning";

    public static CriterionResult LftMonitoring(Evidence evidence) => Attested(
        evidence, LftId, Items.LftMonitoring, "Liver tests before and after each dose",
        "Prescriber agrees to obtain ALT, AST, total bilirubin and alkaline phosphatase before and after each dose",
        "prescriber declined to obtain liver tests before and after each dose");

    public static CriterionResult VodMonitoring(Evidence evidence) => Attested(
        evidence, VodId, Items.VodMonitoring, "Monitoring for hepatic VOD",
        "Prescriber agrees to monitor for hepatic veno-occlusive disease",
        "prescriber declined to monitor for hepatic veno-occlusive disease",
        [.. evidence.VodRiskFactors]);

    public static CriterionResult NoAlkylatingConditioning(Evidence evidence) => Attested(
        evidence, ConditioningId, Items.NoAlkylatingConditioning, "No alkylating HSCT conditioning",
        "Prescriber agrees not to add HSCT conditioning with alkylating agents",
        "prescriber did not agree to avoid HSCT conditioning with alkylating agents");

    private static CriterionResult Attested(
        Evidence evidence, string id, string item, string title, string met, string notMet, IReadOnlyList<EvidenceItem>? context = null) =>
        evidence.Attestations.Boolean(item) switch
        {
            true => new(id, title, CriterionStatus.Met, met, [evidence.Attested($"{title}: yes"), .. context ?? []], EvidenceKind.Attestation),
            false => new(id, title, CriterionStatus.NotMet, notMet, [evidence.Attested($"{title}: no"), .. context ?? []], EvidenceKind.Attestation),
            null => new(id, title, CriterionStatus.Unknown, "Prescriber attestation not yet given", [.. context ?? []], EvidenceKind.Attestation),
        };
}
