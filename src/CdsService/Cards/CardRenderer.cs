using CdsService.CdsHooks;
using CdsService.CdsHooks.Wire;
using CdsService.Policies;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace CdsService.Cards;

/// <summary>
/// Renders policy decisions as CDS Hooks cards: one card per finding, most severe first, each with a payer
/// source, a CRD card-type topic, a Markdown checklist of the criteria it concerns, and those criteria's
/// statuses under <see cref="CardContract.CriteriaExtensionKey"/>.
/// </summary>
internal sealed class CardRenderer(IOptions<PayerOptions> payer, TimeProvider clock)
{
    private const int MaxSummaryLength = 139;

    public CdsResponse Render(IReadOnlyList<PolicyDecision> decisions, HookRequest request, CdsCall call)
    {
        var configuration = CrdConfiguration.From(request);
        var cards = new List<Card>();
        var actions = new List<CdsAction>();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        foreach (var decision in decisions)
        {
            cards.AddRange(decision.Findings
                .Select(f => RenderFinding(f, decision, request, call))
                .Where(c => configuration.Enabled(c.Source.Topic!.Code)));
            if (configuration.Enabled(CrdConfiguration.CoverageInfo) && CoverageInformation.Build(decision, today) is { } action)
            {
                actions.Add(action);
            }
        }

        // Stable sort: within a severity, the policy's own order (summary first) is kept.
        return new CdsResponse(
            [.. cards.OrderBy(c => Severity(c.Indicator)).Take(configuration.CardLimit)],
            actions.Count > 0 ? actions : null);
    }

    private Card RenderFinding(Finding finding, PolicyDecision decision, HookRequest request, CdsCall call)
    {
        var criteria = finding.CriterionIds.Select(id => decision[id]).ToList();
        var indicator = finding.Kind switch
        {
            FindingKind.HardStop => Indicators.Critical,
            FindingKind.UnmetRequirement or FindingKind.RecordIncomplete => Indicators.Warning,
            _ => Indicators.Info,
        };
        var suggestions = finding.Orders.Count == 0 ? null : finding.Orders.Select(o => Suggest(o, request)).ToList();
        return new Card(
            Summary: Shorten(finding.Summary),
            Indicator: indicator,
            Source: new CardSource(payer.Value.Name, PolicyUrl(decision.Policy, call).AbsoluteUri, Topic: Topic(finding.Topic)),
            Uuid: Guid.NewGuid().ToString(),
            Detail: Detail(finding, decision, criteria),
            Suggestions: suggestions,
            SelectionBehavior: suggestions is null ? null : "any",
            OverrideReasons: indicator == Indicators.Info ? null : OverrideReasons,
            Links: Links(finding, decision, call),
            Extension: Extension(finding, decision, criteria));
    }

    // CDS Hooks forbids empty JSON values, so a card that concerns no single criterion carries no criteria key.
    private static Dictionary<string, object>? Extension(Finding finding, PolicyDecision decision, List<CriterionResult> criteria)
    {
        var extension = new Dictionary<string, object>();
        if (criteria.Count > 0)
        {
            extension[CardContract.CriteriaExtensionKey] = criteria.Select(c => new CriterionStatusEntry(c.Id, CriterionResult.Literal(c.Status), c.References.Count > 0 ? c.References : null)).ToList();
        }

        if (finding.Kind == FindingKind.Summary)
        {
            extension[CardContract.ApprovalExtensionKey] = new ApprovalEntry(decision.Kind.Literal(), decision.ApprovalMonths);
        }

        return extension.Count > 0 ? extension : null;
    }

    private static string Detail(Finding finding, PolicyDecision decision, List<CriterionResult> criteria)
    {
        var order = $"Order: {decision.Order.TypeName}/{decision.Order.Id} ({decision.Policy.DrugName}, "
            + $"{decision.Kind.Literal()} request, approval up to {decision.ApprovalMonths} months).";
        var intro = string.IsNullOrEmpty(finding.Detail) ? "" : finding.Detail + "\n\n";
        return criteria.Count == 0 ? $"{intro}{order}" : $"{intro}{order}\n\n{Checklist.Render(criteria)}";
    }

    private List<Link>? Links(Finding finding, PolicyDecision decision, CdsCall call)
    {
        var links = new List<Link>();
        if (finding.OffersQuestionnaire)
        {
            links.Add(new Link(
                $"{decision.Policy.DrugName} prior-approval questionnaire",
                call.Resolve($"fhir/Questionnaire/{decision.Policy.QuestionnaireId}").AbsoluteUri,
                "absolute"));
        }

        if (finding.Kind == FindingKind.Summary)
        {
            links.Add(new Link($"{decision.Policy.DrugName} prior-approval policy", PolicyUrl(decision.Policy, call).AbsoluteUri, "absolute"));
        }

        return links.Count > 0 ? links : null;
    }

    private Uri PolicyUrl(PolicyInfo policy, CdsCall call) =>
        payer.Value.PolicyUrls.GetValueOrDefault(policy.Id) ?? call.Resolve($"policies/{policy.Id}");

    private Suggestion Suggest(ProposedOrder proposed, HookRequest request)
    {
        var resource = (Resource)proposed.Resource.DeepCopy();
        if (resource is ServiceRequest order)
        {
            order.AuthoredOn ??= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            if (order.Requester is null && request.Context.UserId is { } user && (user.StartsWith("Practitioner/", StringComparison.Ordinal) || user.StartsWith("PractitionerRole/", StringComparison.Ordinal)))
            {
                order.Requester = new ResourceReference(user);
            }
        }

        return new Suggestion(proposed.Label, Guid.NewGuid().ToString(), Actions: [new CdsAction("create", proposed.Label, resource)]);
    }

    private static CdsCoding Topic(GuidanceTopic topic) => topic switch
    {
        GuidanceTopic.TherapyAlternativesRequired => new(CardContract.CardTypeSystem, "therapy-alternatives-req", "Required Therapy Alternatives"),
        GuidanceTopic.AppropriateUse => new(CardContract.CardTypeSystem, "appropriate-use", "Appropriate Use"),
        GuidanceTopic.Contraindication => new(CardContract.CardTypeSystem, "contraindication", "Contraindication"),
        _ => new(CardContract.CardTypeSystem, "coverage-info", "Coverage Information"),
    };

    private IReadOnlyList<CdsCoding> OverrideReasons => field ??= OverrideReason.All(payer.Value.CanonicalBase);

    private static int Severity(string indicator) => indicator switch
    {
        Indicators.Critical => 0,
        Indicators.Warning => 1,
        _ => 2,
    };

    private static string Shorten(string summary) =>
        summary.Length <= MaxSummaryLength ? summary : summary[..(MaxSummaryLength - 1)].TrimEnd() + "…";
}
