using System.Text;
using CdsService.CdsHooks;
using CdsService.CdsHooks.Wire;
using CdsService.Policies;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace CdsService.Cards;

/// <summary>
/// Renders policy decisions as CDS Hooks cards in one voice: a summary card whose one count (<see cref="PriorAuthStatus"/>)
/// matches its checklist, then one card per distinct problem, most severe first, none repeating another. Each card has
/// the payer as source, a CRD card-type topic, Markdown that names the order by drug and date and every value from the
/// chart escaped, a link for every form or document it names, and under <see cref="CardContract.CriteriaExtensionKey"/>
/// the criteria it concerns with their statuses and the FHIR references behind them, for machines.
/// </summary>
internal sealed class CardRenderer(IOptions<PayerOptions> payer, TimeProvider clock, IOptions<Attestation.Smart.SmartOptions> smart)
{
    private const int MaxSummaryLength = 139;

    /// <param name="formLink">The attestation form opened from this call for a decision, when the service offers one.</param>
    public CdsResponse Render(IReadOnlyList<PolicyDecision> decisions, HookRequest request, CdsCall call, Func<PolicyDecision, Uri?>? formLink = null)
    {
        var configuration = CrdConfiguration.From(request);
        var cards = new List<Card>();
        var actions = new List<CdsAction>();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        foreach (var decision in decisions)
        {
            var form = formLink?.Invoke(decision);
            var context = new CardContext(decision, PriorAuthStatus.Of(decision), Form(decision, call, form), PolicyUrl(decision.Policy, call), SmartLaunch(form, request, call));
            cards.AddRange(decision.Findings
                .Select(f => RenderFinding(f, context, request))
                .Where(c => configuration.Enabled(c.Source.Topic!.Code)));
            if (configuration.Enabled(CrdConfiguration.CoverageInfo) && CoverageInformation.Build(decision, today, clock) is { } action)
            {
                actions.Add(action);
            }
        }

        // Stable sort: within a severity, the policy's own order (summary first) is kept.
        return new CdsResponse(
            [.. cards.OrderBy(c => Severity(c.Indicator)).Take(configuration.CardLimit)],
            actions.Count > 0 ? actions : null);
    }

    private Card RenderFinding(Finding finding, CardContext context, HookRequest request)
    {
        var decision = context.Decision;
        var criteria = finding.CriterionIds.Select(id => decision[id]).ToList();
        var indicator = finding.Kind switch
        {
            FindingKind.HardStop => Indicators.Critical,
            FindingKind.UnmetRequirement or FindingKind.RecordIncomplete => Indicators.Warning,
            _ => Indicators.Info,
        };
        var suggestions = finding.Orders.Count == 0 ? null : finding.Orders.Select(o => Suggest(o, request)).ToList();
        var isSummary = finding.Kind == FindingKind.Summary;
        return new Card(
            Summary: Shorten(isSummary ? context.Status.Summary(decision) : finding.Summary),
            Indicator: indicator,
            Source: new CardSource(payer.Value.Name, context.PolicyUrl.AbsoluteUri, Topic: Topic(finding.Topic)),
            Uuid: Storage.TimeOrderedId.Next(clock),
            Detail: isSummary ? SummaryDetail(context) : Detail(finding, context, criteria),
            Suggestions: suggestions,
            SelectionBehavior: suggestions is null ? null : "any",
            OverrideReasons: indicator == Indicators.Info ? null : OverrideReasons,
            Links: Links(finding, context),
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

    private static string SummaryDetail(CardContext context)
    {
        var (decision, status) = (context.Decision, context.Status);
        var markdown = new StringBuilder(OrderLine(decision)).Append("\n\n");
        if (decision.Determination is { } approved)
        {
            markdown.Append($"Prior authorization **{MarkdownText.Escape(approved.AuthorizationNumber)}** is approved for this order from {PriorAuthStatus.Day(approved.Start)} through {PriorAuthStatus.Day(approved.Expiry)}. No request needs to be sent.");
        }
        else if (status.HardStop)
        {
            markdown.Append("The order is outside the policy: a criterion marked **Not met** below cannot be met by documentation.");
        }
        else if (status.ReadyToSubmit)
        {
            markdown.Append($"Every applicable criterion is met. Submit the prior-authorization request with the answers to the {Anchor(context.FormLabel, context.Form)}.");
        }
        else
        {
            var steps = new List<string>();
            if (status.NeedsDocumentation > 0)
            {
                steps.Add($"answer the open items in the {Anchor(context.FormLabel, context.Form)} (or record them in the chart) and sign the order again");
            }

            if (status.NotMet > 0)
            {
                steps.Add("resolve the requirements marked **Not met**, or change the plan");
            }

            if (status.OrdersToAdd > 0)
            {
                steps.Add("add the suggested test orders");
            }

            if (status.PartlyRead)
            {
                steps.Add("sign again when the EHR's record can be read in full");
            }

            var next = string.Join("; ", steps);
            markdown.Append("Before the request can be submitted: ").Append(next).Append('.');
        }

        markdown.Append("\n\n**Checklist** (").Append(PriorAuthStatus.Count(status.Applicable, "criterion applies", "criteria apply")).Append("):\n\n")
            .Append(Checklist.Render(decision.Criteria.OrderBy(c => c.Status == CriterionStatus.NotApplicable)))
            .Append("\nPolicy: ").Append(Anchor($"{decision.Policy.DrugName} prior-approval policy", context.PolicyUrl)).Append('\n');
        return markdown.ToString();
    }

    private static string Detail(Finding finding, CardContext context, List<CriterionResult> criteria)
    {
        var markdown = new StringBuilder(OrderLine(context.Decision)).Append("\n\n");
        if (!string.IsNullOrEmpty(finding.Detail))
        {
            markdown.Append(MarkdownText.Escape(finding.Detail)).Append("\n\n");
        }

        if (finding.OffersQuestionnaire)
        {
            markdown.Append("Answer in the ").Append(Anchor(context.FormLabel, context.Form)).Append(", then sign the order again.\n\n");
        }

        if (criteria.Count > 0 && finding.Kind != FindingKind.RecordIncomplete)
        {
            markdown.Append(Checklist.Render(criteria));
        }

        return markdown.ToString().TrimEnd() + "\n";
    }

    private static string OrderLine(PolicyDecision decision) =>
        $"**{MarkdownText.Escape(OrderName.Of(decision))}**: {decision.Kind.Literal()} request; an approval lasts up to {decision.ApprovalMonths} months.";

    private static string Anchor(string label, Uri url) => $"[{MarkdownText.Escape(label)}](<{url.AbsoluteUri}>)";

    private static List<Link>? Links(Finding finding, CardContext context)
    {
        var links = new List<Link>();
        var decision = context.Decision;
        var status = context.Status;
        var summaryNamesForm = finding.Kind == FindingKind.Summary && decision.Determination is null && !status.HardStop
            && (status.NeedsDocumentation > 0 || status.ReadyToSubmit);
        if (finding.OffersQuestionnaire || summaryNamesForm)
        {
            links.Add(new Link(context.FormLabel, context.Form.AbsoluteUri, "absolute"));

            // The same form as a SMART app, which can save to a FHIR server that needs a token; appContext is the form
            // link's opaque reference (no PHI), which the EHR hands back in the token response.
            if (context.SmartLaunch is { } launch)
            {
                links.Add(new Link($"{decision.Policy.DrugName} prior-authorization form (opens in the EHR, saves to the record)", launch.Url.AbsoluteUri, "smart", launch.Reference));
            }
        }

        if (finding.Kind == FindingKind.Summary)
        {
            links.Add(new Link($"{decision.Policy.DrugName} prior-approval policy", context.PolicyUrl.AbsoluteUri, "absolute"));
        }

        return links.Count > 0 ? links : null;
    }

    // The attestation form when the service opened one for this order, otherwise the questionnaire itself.
    private static (Uri Url, string Label) Form(PolicyDecision decision, CdsCall call, Uri? form) =>
        form is not null
            ? (form, $"{decision.Policy.DrugName} prior-authorization form")
            : (call.Resolve($"fhir/Questionnaire/{decision.Policy.QuestionnaireId}"), $"{decision.Policy.DrugName} prior-approval questionnaire");

    // Offered only when SMART is set up and the order was signed against a FHIR server, the one a launch must name.
    private (Uri Url, string Reference)? SmartLaunch(Uri? form, HookRequest request, CdsCall call) =>
        form is not null && smart.Value.Enabled && request.FhirServer is not null
            ? (call.Resolve($"attestation/smart/launch/{Attestation.FormLinks.Reference(form)}"), Attestation.FormLinks.Reference(form))
            : null;

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

        return new Suggestion(proposed.Label, Storage.TimeOrderedId.Next(clock), Actions: [new CdsAction("create", proposed.Label, resource)]);
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

    /// <summary>What every card of one decision shares: the count, the form (or questionnaire) and the policy links.</summary>
    private sealed record CardContext(PolicyDecision Decision, PriorAuthStatus Status, (Uri Url, string Label) FormLink, Uri PolicyUrl, (Uri Url, string Reference)? SmartLaunch)
    {
        public Uri Form => FormLink.Url;

        public string FormLabel => FormLink.Label;
    }
}
