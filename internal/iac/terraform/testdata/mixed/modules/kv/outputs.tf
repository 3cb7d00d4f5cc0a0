output "id" {
  value = azurerm_key_vault.this.id
}
