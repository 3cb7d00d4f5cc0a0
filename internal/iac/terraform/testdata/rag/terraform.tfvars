environment = "prod"
regions     = 2

extra_tags = {
  owner = "ml-platform"
}

deployments = {
  chat = {
    model   = "gpt-4o"
    version = "2024-11-20"
  }
  embed = {
    model    = "text-embedding-3-large"
    version  = "1"
    sku      = "Standard"
    capacity = 30
  }
}
