# A minimal connection: two replicas sharing a 2-node budget through
# Memorystore, the auth token in Secret Manager.
module "twilio_worker" {
  source = "../.."

  project           = "my-project"
  image             = "us-docker.pkg.dev/my-project/connectors/twilio-worker:v1.0.0"
  connection_name   = "twilio-connection"
  account_sid       = "AC00000000000000000000000000000000"
  auth_token_secret = "projects/my-project/secrets/twilio-auth-token/versions/latest"
}

output "task_subscription" {
  value = module.twilio_worker.task_subscription
}
