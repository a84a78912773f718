using System.Globalization;

namespace LlmServe.Bench.Proxy;

/// <summary>
/// nginx as the reference reverse proxy: one upstream with pooled keep-alive connections, no access log,
/// a worker per core; configured in a temporary prefix so no system configuration is involved.
/// </summary>
internal static class NginxProxy
{
    public static async Task<ServiceProcess> StartAsync(int port, Uri backend)
    {
        var prefix = Directory.CreateTempSubdirectory("llmserve-nginx-").FullName;
        Directory.CreateDirectory(Path.Combine(prefix, "logs"));
        var config = Path.Combine(prefix, "nginx.conf");
        File.WriteAllText(config, string.Create(CultureInfo.InvariantCulture, $$"""
            worker_processes auto;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/logs/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path {{prefix}}/body;
                proxy_temp_path {{prefix}}/proxy;
                upstream backend { server {{backend.Authority}}; keepalive 128; }
                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        proxy_pass http://backend;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_buffering off;
                    }
                }
            }
            """));
        return await ServiceProcess.StartAsync("nginx", ["-p", prefix, "-c", config, "-g", "daemon off;"],
            new Uri($"http://127.0.0.1:{port}/health"));
    }
}
