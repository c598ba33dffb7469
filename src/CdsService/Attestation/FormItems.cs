using Hl7.Fhir.Model;

namespace CdsService.Attestation;

/// <summary>
/// Which criterion each questionnaire item answers, so the form can pre-fill what the chart already settles and mark
/// what is still needed. An item whose linkId is a criterion id answers it directly (Yes = met); the others are listed.
/// The table is the Besponsa questionnaire's (linkIds from BesponsaQuestionnaire.Items) and would sit better beside it,
/// in the policy's folder; it is here because that folder belongs to the policy work.
/// </summary>
internal static class FormItems
{
    private static readonly Dictionary<string, (string Criterion, bool YesMeansMet)> Mapped = new(StringComparer.Ordinal)
    {
        ["b-precursor-lineage"] = ("b-all-diagnosis", true),
        ["ph-positive"] = ("ph-tki-history", true),
        ["tki-failed"] = ("ph-tki-history", true),
        ["chemotherapy-failed"] = ("ph-tki-history", true),
        ["disease-progression"] = ("no-progression", false),
        ["unacceptable-toxicity"] = ("no-unacceptable-toxicity", false),
    };

    /// <summary>The criterion an item informs, and whether "Yes" counts towards it being met.</summary>
    public static (string Criterion, bool YesMeansMet) Of(string linkId) =>
        Mapped.TryGetValue(linkId, out var mapped) ? mapped : (linkId, true);

    /// <summary>Answers the chart already gives: an item whose criterion is met (or not met) on recorded evidence.</summary>
    public static Dictionary<string, PrefilledAnswer> Prefill(Questionnaire questionnaire, FormSession session)
    {
        var answers = new Dictionary<string, PrefilledAnswer>(StringComparer.Ordinal);
        foreach (var item in Booleans(questionnaire.Item))
        {
            var (criterion, yesMeansMet) = Of(item.LinkId!);
            if (session.Criteria.FirstOrDefault(c => c.Id == criterion) is not { Evidence.Count: > 0 } found || found.Status is not ("met" or "not-met"))
            {
                continue;
            }

            var met = found.Status == "met";

            // "Not met" on a Ph+ adult says nothing about each part, and "met" says all of them hold.
            if (!met && criterion != item.LinkId && yesMeansMet)
            {
                continue;
            }

            answers[item.LinkId!] = new PrefilledAnswer(met == yesMeansMet, string.Join("; ", found.Evidence));
        }

        return answers;
    }

    /// <summary>Items still needed for this order: their criterion has no evidence yet, and they apply unconditionally.</summary>
    public static HashSet<string> Required(Questionnaire questionnaire, FormSession session) =>
    [
        .. Booleans(questionnaire.Item)
            .Where(i => i.EnableWhen.Count == 0 && session.Criteria.Any(c => c.Id == Of(i.LinkId!).Criterion && c.Status == "unknown"))
            .Select(i => i.LinkId!),
    ];

    public static IEnumerable<Questionnaire.ItemComponent> Booleans(IEnumerable<Questionnaire.ItemComponent> items) =>
        items.SelectMany(i => i.Type == Questionnaire.QuestionnaireItemType.Group ? Booleans(i.Item) : [i])
            .Where(i => i.Type == Questionnaire.QuestionnaireItemType.Boolean && i.LinkId is not null);
}
