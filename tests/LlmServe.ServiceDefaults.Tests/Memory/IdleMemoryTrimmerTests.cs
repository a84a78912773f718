using System.Net;
using LlmServe.ServiceDefaults.Memory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace LlmServe.ServiceDefaults.Tests.Memory;

/// <summary>The trimmer inside a real Kestrel app built with the service defaults, driven by a fake clock.</summary>
public sealed class IdleMemoryTrimmerTests
{
    [Fact]
    public async Task CompactsAfterAQuietPeriod_NotWhileAStreamIsOpen_AndIgnoresProbes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var release = new TaskCompletionSource();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.AddServiceDefaults();
        await using var app = builder.Build();
        app.MapGet("/slow", async () => { await release.Task; return "done"; });
        app.MapDefaultEndpoints();
        await app.StartAsync(TestContext.Current.CancellationToken);
        var trimmer = app.Services.GetServices<IHostedService>().OfType<IdleMemoryTrimmer>().Single();
        var activity = app.Services.GetRequiredService<RequestActivity>();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var slow = http.GetStringAsync("/slow", TestContext.Current.CancellationToken);
        await WaitUntilAsync(() => activity.InFlight == 1);
        await AdvanceAsync(time, TimeSpan.FromSeconds(10));
        Assert.Equal(0, trimmer.Trims);

        release.SetResult();
        Assert.Equal("done", await slow);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health", TestContext.Current.CancellationToken)).StatusCode);
        await AdvanceAsync(time, TimeSpan.FromSeconds(3));
        await WaitUntilAsync(() => trimmer.Trims == 1);
        Assert.Equal(1, activity.Started);

        // Probes alone keep the process "quiet": no second trim until real traffic comes and goes.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive", TestContext.Current.CancellationToken)).StatusCode);
        await AdvanceAsync(time, TimeSpan.FromSeconds(5));
        Assert.Equal(1, trimmer.Trims);
        await app.StopAsync(TestContext.Current.CancellationToken);
    }

    private static async Task AdvanceAsync(FakeTimeProvider time, TimeSpan by)
    {
        for (var t = TimeSpan.Zero; t < by; t += TimeSpan.FromMilliseconds(500))
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(20);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }
        Assert.True(condition());
    }
}
