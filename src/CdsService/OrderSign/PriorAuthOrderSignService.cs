using CdsService.Cards;
using CdsService.CdsHooks;
using CdsService.CdsHooks.Wire;
using CdsService.PatientRecords;
using CdsService.Policies;

namespace CdsService.OrderSign;

/// <summary>
/// An order-sign service for one drug policy: picks the draft orders the policy covers, loads the patient
/// record, evaluates each order and renders the decisions. Orders for other drugs get no guidance.
/// </summary>
internal sealed class PriorAuthOrderSignService(
    IDrugPolicy policy,
    PatientRecordLoader records,
    CardRenderer renderer,
    TimeProvider clock,
    IRecordInterest interest,
    Microsoft.Extensions.Options.IOptions<CdsOptions> options) : ICdsService
{
    public HookDefinition Hook => HookDefinition.OrderSign;

    /// <summary>Prefetch entries of other patients, and resources the policy never reads, are skipped unparsed.</summary>
    public Func<string?, Func<System.Text.Json.JsonElement, bool>?>? PrefetchFilter =>
        options.Value.FilterPrefetch ? patientId => patientId is null ? null : RecordEntryFilter.For(patientId, interest) : null;

    public ServiceDescription Description { get; } = new(
        HookDefinition.OrderSign.Name,
        $"{policy.Info.Id}-prior-auth",
        policy.Info.Title,
        policy.Info.Description,
        policy.Sections.ToDictionary(s => s.Key, s => s.Template),
        Extension: new Dictionary<string, object>
        {
            ["davinci-crd.version"] = new[] { "2.2" },
            [CrdConfiguration.OptionsExtension] = CrdConfiguration.Options,
        });

    public async Task<CdsResponse> HandleAsync(HookRequest request, CdsCall call, CancellationToken cancellationToken)
    {
        var orders = request.Context.DraftOrders?.Entry
            .Select(e => e.Resource)
            .Where(r => r is not null && policy.Covers(r))
            .ToList() ?? [];
        if (orders.Count == 0)
        {
            return CdsResponse.Empty;
        }

        var record = await records.LoadAsync(request, policy.Sections, cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var decisions = orders.Select(order =>
        {
            // Each order is evaluated against the whole record: a client that hung up stops the work between orders.
            cancellationToken.ThrowIfCancellationRequested();
            return policy.Evaluate(order!, record, today);
        }).ToList();
        return renderer.Render(decisions, request, call);
    }
}
