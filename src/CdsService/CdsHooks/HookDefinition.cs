namespace CdsService.CdsHooks;

/// <summary>What the CDS Hooks library says a hook's context must hold.</summary>
internal sealed record HookDefinition(
    string Name,
    IReadOnlyList<string> RequiredFields,
    IReadOnlyDictionary<string, string> ResourceFields)
{
    /// <summary>order-sign, hookVersion 1.0: <c>draftOrders</c> is a Bundle of request resources.</summary>
    public static readonly HookDefinition OrderSign = new(
        "order-sign",
        ["userId", "patientId", "draftOrders"],
        new Dictionary<string, string> { ["draftOrders"] = "Bundle" });
}
