# A connection through an authenticating proxy, with an API key instead of
# the auth token, more nodes and labels on every log line.
module "twilio_worker" {
  source = "../.."

  project           = "my-project"
  region            = "europe-west1"
  image             = "europe-docker.pkg.dev/my-project/connectors/twilio-worker:v1.0.0"
  connection_name   = "twilio-eu-proxied"
  connection_labels = { team = "messaging", env = "prod" }
  log_level         = "INFO"
  nodes             = 10
  min_replicas      = 2
  max_replicas      = 5

  account_sid       = "AC00000000000000000000000000000000"
  api_key           = "SK00000000000000000000000000000000"
  api_secret_secret = "projects/my-project/secrets/twilio-api-secret/versions/latest"

  proxy_enabled         = true
  proxy_url             = "http://proxy.internal.example:3128"
  proxy_auth_scheme     = "DIGEST"
  proxy_user            = "connector"
  proxy_password_secret = "projects/my-project/secrets/proxy-password/versions/latest"
  proxy_ssltype         = "TUNNEL"
}

output "task_subscription" {
  value = module.twilio_worker.task_subscription
}
