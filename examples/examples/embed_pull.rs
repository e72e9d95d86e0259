//! Embedding the engine: a pull of changed Okdesk issues into 1C ЭСТИ tasks and time sheets from
//! your own program, after the push that maps the companies. The code is `examples::embed`.
//!
//! Run it with `cargo run -p examples --example embed_pull`.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let setup = examples::embed::setup().await?;
    let report = examples::embed::pull(&setup).await?;
    println!("{}", report.render_table());
    Ok(())
}
