namespace VpnPortal.Web.Features.Notifications;

/// <summary>The on-call rota, notification channels and the outbox (decision 0015); the delivery worker runs with the jobs.</summary>
public static class NotificationsFeature
{
    public static IServiceCollection AddNotificationsFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<INotificationOutbox, NotificationOutbox>();
        services.AddSingleton<NotificationSecrets>();
        services.AddSingleton<INotificationTargetPolicy, NotificationTargetPolicy>();
        services.AddSingleton<NotificationTargets>();
        services.AddSingleton<EmailSender>();
        services.AddSingleton<WebhookSender>();
        // Connects only to addresses the target policy allows, resolved at send time; follows no redirect (a redirect is
        // another target, unchecked); no proxy (a proxy would connect to the target itself, out of the policy's sight).
        // Without the client factory's request logging: it writes the full URL, and webhook URLs carry their secret.
        services.AddHttpClient(WebhookSender.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                ConnectCallback = sp.GetRequiredService<NotificationTargets>().ConnectAsync,
            })
            .RemoveAllLoggers();
        services.AddScoped<NotificationDispatch>();
        services.AddSingleton<OutboxDelivery>();
        services.AddScoped<MyNotifications>();
        services.AddScoped<ChannelSettings>();
        if (configuration.GetValue("Jobs:Enabled", true))
        {
            services.AddHostedService<OutboxDeliveryWorker>();
        }

        return services;
    }
}
