using '../main.bicep'

extends 'base.bicepparam'

param env = 'prod'
