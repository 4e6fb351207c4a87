source = "../../../modules/database"

inputs = {
  database_url = sensitive("postgres://app:fixture-secret-initial@db.internal:5432/app")
}
