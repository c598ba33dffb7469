using Microsoft.Playwright;

namespace CdsService.IntegrationTests.Attestation;

/// <summary>What a prescriber does on the attestation form of scenario 07, shared by the browser tests.</summary>
internal static class AttestationFormPage
{
    /// <summary>
    /// Checks the chart's pre-filled answer, then answers the rest: the first by keyboard (focus on the radio, Space to
    /// choose it), the others by clicking their labels.
    /// </summary>
    public static async Task AnswerAsync(IPage page)
    {
        Assert.True(await page.GetByRole(AriaRole.Group, new() { Name = "The leukemia is B-cell precursor" }).GetByLabel("Yes").IsCheckedAsync());
        var cd22 = page.GetByRole(AriaRole.Group, new() { Name = "CD22-positive" });
        await cd22.GetByLabel("Yes").FocusAsync();
        await page.Keyboard.PressAsync("Space");
        Assert.True(await cd22.GetByLabel("Yes").IsCheckedAsync());
        foreach (var text in new[] { "I will obtain ALT", "I will monitor for signs", "I will not add HSCT" })
        {
            await page.GetByRole(AriaRole.Group, new() { Name = text }).GetByLabel("Yes").CheckAsync();
        }
    }
}
