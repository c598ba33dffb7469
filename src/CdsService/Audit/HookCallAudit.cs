using CdsService.Cards;
using CdsService.CdsHooks;
using CdsService.CdsHooks.Wire;
using CdsService.Policies;
using Hl7.Fhir.Model;

namespace CdsService.Audit;

/// <summary>
/// Turns one answered hook call into its audit record and queues it. Reads only what the record lists: statuses,
/// card uuids, indicators and summaries, and the coverage-information codes; never the request's tokens or resources.
/// </summary>
internal sealed class HookCallAudit(AuditQueue queue, PatientKeys patientKeys, IHttpContextAccessor http, TimeProvider clock)
{
    /// <summary>The hookInstance recorded for a refused call, whose body is not trusted enough to read one from.</summary>
    public const string UnreadHookInstance = "(refused)";

    public string? PatientKey(HookRequest request) => patientKeys.For(request.FhirServer, request.Context.PatientId);

    /// <summary>The validated <c>iss</c> of the caller's JWT, or null for an anonymous (Development loopback) call.</summary>
    public string? ClientIssuer() =>
        http.HttpContext?.User is { Identity.IsAuthenticated: true } user ? user.FindFirst("iss")?.Value : null;

    public void Record(string serviceId, HookRequest request, IReadOnlyList<PolicyDecision> decisions, CdsResponse response, TimeSpan latency)
    {
        var record = Build(serviceId, request, decisions, response, latency);
        if (http.HttpContext is { } context)
        {
            context.Items[RefusedCallAudit.RecordedKey] = true;
        }

        queue.Enqueue(record);
    }

    /// <summary>The audit record of one answered call, not queued (a warm-up rehearsal writes it to its scratch store).</summary>
    public HookCallRecord Build(string serviceId, HookRequest request, IReadOnlyList<PolicyDecision> decisions, CdsResponse response, TimeSpan latency) =>
        new(
            Storage.TimeOrderedId.Next(clock),
            request.HookInstance,
            clock.GetUtcNow(),
            serviceId,
            request.Hook,
            ClientIssuer(),
            PatientKey(request),
            [.. decisions.SelectMany((d, i) => d.Criteria.Select(c => new CriterionOutcome(i, c.Id, CriterionResult.Literal(c.Status))))],
            [.. response.Cards.Select(Card)],
            [.. (response.SystemActions ?? []).Select(a => a.Resource).OfType<DomainResource>().SelectMany(Assertions)],
            StatusCodes.Status200OK,
            Math.Round(latency.TotalMilliseconds, 2));

    /// <summary>A call that got no cards: what is known without trusting its body (which may not even be JSON).</summary>
    public void RecordRefused(string serviceId, int status, TimeSpan latency) => queue.Enqueue(new HookCallRecord(
        Storage.TimeOrderedId.Next(clock),
        UnreadHookInstance,
        clock.GetUtcNow(),
        serviceId,
        "",
        ClientIssuer(),
        null,
        [],
        [],
        [],
        status,
        Math.Round(latency.TotalMilliseconds, 2)));

    private static IssuedCard Card(Card card) => new(
        card.Uuid ?? "",
        card.Indicator,
        card.Summary,
        [.. (card.Suggestions ?? []).Select(s => s.Uuid).OfType<string>()],
        card.Extension?.GetValueOrDefault(CardContract.CriteriaExtensionKey) is IEnumerable<CriterionStatusEntry> criteria ? [.. criteria.Select(c => c.Id)] : []);

    /// <summary>The coverage-information extensions on an updated order: what was asserted under each id.</summary>
    public static IEnumerable<CoverageAssertion> Assertions(DomainResource order) =>
        order.Extension
            .Where(e => e.Url == CardContract.CoverageInformationExtension)
            .Select(e => new CoverageAssertion(
                Code(e, "coverage-assertion-id") ?? "",
                Code(e, "covered") ?? "",
                Code(e, "pa-needed"),
                [.. e.Extension.Where(x => x.Url == "doc-needed").Select(x => x.Value?.ToString() ?? "")],
                Code(e, "satisfied-pa-id"),
                Code(e, "expiry-date")))
            .Where(a => a.Id.Length > 0);

    private static string? Code(Extension coverageInformation, string url) =>
        coverageInformation.Extension.FirstOrDefault(x => x.Url == url)?.Value is PrimitiveType value ? value.ToString() : null;
}
